import { useCallback, useEffect, useRef, useState } from 'react';
import type { BundleSummary, QaAnswer, RadstationApi } from '../../../src-shared/contract';
import type { ActiveImage } from '../../viewer/services';
import { taskAvailability } from '../task-availability';
import { activeRoi, displayedSlice } from './active-image-pixels';
import type { ChatTurn } from './chat-turn';
import { toBase64 } from './displayed-pixels';


const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
let turnCounter = 0;

/** The installed bundle for a task kind that can run on this modality, or undefined. */
function availableTask(bundles: readonly BundleSummary[], kind: 'vqa-closed' | 'vlm-generate', modality: string | undefined) {
  const taskIds = [...new Set(bundles.flatMap((bundle) => bundle.tasks.filter((task) => task.kind === kind).map((task) => task.id)))];
  const found = taskAvailability(bundles, taskIds, modality).find((task) => task.available);
  return found?.available ? found : undefined;
}

/**
 * The Report Q&A conversation: each question goes through qa.ask, the main process's one route
 * (header facts, then the calibrated compact model, src-main/inference/qa/qa-service.ts); an open
 * question, or one the reader sends on, streams from a HealthGPT bundle when one is installed
 * (vlm.token events, ending on vlm.finished).
 */
export function useReportChat(api: RadstationApi, bundles: readonly BundleSummary[], modality: string | undefined) {
  const [turns, setTurns] = useState<ChatTurn[]>([]);
  // Events for a request whose ID the panel does not know yet (the reply is still on its way).
  const early = useRef(new Map<string, { text: string; finished?: { answer: string; stopReason: string; error?: string } }>());
  const closedTask = availableTask(bundles, 'vqa-closed', modality);
  const openTask = availableTask(bundles, 'vlm-generate', modality);

  const update = useCallback((id: string, change: Partial<ChatTurn> | ((turn: ChatTurn) => Partial<ChatTurn>)) => {
    setTurns((current) => current.map((turn) => (turn.id === id ? { ...turn, ...(typeof change === 'function' ? change(turn) : change) } : turn)));
  }, []);

  useEffect(() => {
    const byRequest = (requestId: string, change: (turn: ChatTurn) => Partial<ChatTurn>) =>
      setTurns((current) => current.map((turn) => (turn.requestId === requestId ? { ...turn, ...change(turn) } : turn)));
    const offToken = api.on('vlm.token', (payload) => {
      const buffered = early.current.get(payload.requestId) ?? { text: '' };
      buffered.text += payload.text;
      early.current.set(payload.requestId, buffered);
      byRequest(payload.requestId, (turn) => ({ answer: turn.answer + payload.text, status: 'streaming' }));
    });
    const offFinished = api.on('vlm.finished', (payload) => {
      const buffered = early.current.get(payload.requestId) ?? { text: '' };
      buffered.finished = payload;
      early.current.set(payload.requestId, buffered);
      byRequest(payload.requestId, () => finishedChange(payload));
      // Kept a while for a reply still on its way, then dropped.
      window.setTimeout(() => early.current.delete(payload.requestId), 60_000);
    });
    return () => {
      offToken();
      offFinished();
    };
  }, [api]);

  const ask = useCallback(
    async (question: string, active: ActiveImage, forceRoute?: 'open') => {
      if (!active.sopInstanceUid) return;
      const roi = activeRoi(active);
      const id = `turn-${Date.now()}-${(turnCounter += 1)}`;
      const image = {
        sopInstanceUid: active.sopInstanceUid,
        frame: Math.max(0, (active.frame ?? 1) - 1),
        roi: roi ?? null,
        windowCenter: active.windowCenter ?? null,
        windowWidth: active.windowWidth !== undefined && active.windowWidth > 0 ? active.windowWidth : null,
      };
      const base = { id, question, answer: '', confidence: null, model: null, image };
      setTurns((current) => [...current, { ...base, route: forceRoute ?? 'closed', status: 'answering' }]);
      try {
        if (!forceRoute) {
          // The one route (header, compact model, full model) runs in the main process; the panel
          // sends the slice as displayed (W/L and ROI) so the model sees what the reader sees.
          const slice = closedTask ? await displayedSlice(active, roi) : undefined;
          const result = await api.call('qa.ask', {
            sopInstanceUid: active.sopInstanceUid,
            frame: image.frame,
            question,
            ...(roi ? { roi } : {}),
            ...(slice ? { window: slice.window, image: { width: slice.image.width, height: slice.image.height, pixelsBase64: toBase64(slice.image.pixels) } } : {}),
          });
          const change = turnFromAnswer(result);
          if (result.route !== 'open' || !openTask) {
            update(id, { ...change, ...(slice && result.route === 'closed' ? { image: { ...image, windowCenter: slice.window.center, windowWidth: slice.window.width } } : {}) });
            return;
          }
          update(id, { route: 'open' });
        }
        if (!openTask) {
          update(id, { status: 'needs-model', note: 'This needs the full model, and no HealthGPT bundle is installed (see docs/healthgpt.md).' });
          return;
        }
        const reply = await api.call('vlm.ask', {
          bundleId: openTask.bundleId,
          taskId: openTask.taskId,
          sopInstanceUid: active.sopInstanceUid,
          frame: image.frame,
          question,
          ...(image.windowCenter !== null && image.windowWidth !== null ? { window: { center: image.windowCenter, width: image.windowWidth } } : {}),
          ...(roi ? { roi } : {}),
        });
        const buffered = early.current.get(reply.requestId);
        update(id, {
          requestId: reply.requestId,
          model: { bundleId: reply.bundleId, name: reply.bundleName, version: reply.bundleVersion, provider: reply.provider },
          status: 'streaming',
          answer: buffered?.text ?? '',
          ...(buffered?.finished ? finishedChange(buffered.finished) : {}),
        });
      } catch (error) {
        update(id, { status: 'failed', note: message(error) });
      }
    },
    [api, closedTask, openTask, update],
  );

  const running = turns.find((turn) => turn.status === 'streaming' && turn.requestId);
  const cancel = useCallback(() => {
    if (running?.requestId) void api.call('vlm.cancel', { requestId: running.requestId }).catch(() => undefined);
  }, [api, running?.requestId]);

  return { turns, ask, cancel, running, closedTask, openTask };
}

/** A turn's state from the main process's answer: header facts, a calibrated model answer, or the reason there is none. */
function turnFromAnswer(result: QaAnswer): Partial<ChatTurn> {
  const model = result.model ? { bundleId: result.model.bundleId, name: result.model.name, version: result.model.version, provider: result.model.provider } : null;
  if (result.source === 'header') return { route: 'metadata', status: 'answered', answer: result.answer ?? '', note: `From the header: ${result.attributes.join(', ')}` };
  if (result.source === 'model') return { route: 'closed', status: 'answered', model, confidence: result.confidence, answer: result.answer ?? '', ...(result.reason ? { note: result.reason } : {}) };
  const status = result.needsFullModel ? 'needs-model' : 'abstained';
  return { route: result.route, status, model, confidence: result.confidence, note: result.reason ?? 'No answer.' };
}

function finishedChange(payload: { answer: string; stopReason: string; error?: string }): Partial<ChatTurn> {
  if (payload.stopReason === 'failed') return { status: 'failed', answer: payload.answer, note: `The model stopped with an error: ${payload.error ?? 'unknown'}` };
  if (payload.stopReason === 'cancelled') return { status: 'cancelled', answer: payload.answer, note: 'Stopped before the end of the answer.' };
  const note = payload.stopReason === 'max-tokens' ? 'The answer reached the length limit.' : payload.stopReason === 'context-full' ? "The answer filled the model's context." : undefined;
  return { status: 'answered', answer: payload.answer, ...(note ? { note } : {}) };
}
