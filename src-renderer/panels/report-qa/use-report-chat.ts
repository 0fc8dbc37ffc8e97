import { useCallback, useEffect, useRef, useState } from 'react';
import type { BundleSummary, RadstationApi } from '../../../src-shared/contract';
import type { ActiveImage } from '../../viewer/viewer-state';
import { taskAvailability } from '../task-availability';
import { activeRoi, displayedSlice } from './active-image-pixels';
import type { ChatTurn } from './chat-turn';
import { toBase64 } from './displayed-pixels';
import { routeQuestion } from './question-routing';

export const NEEDS_FULL_MODEL =
  'This is an open question: it needs the full model (a HealthGPT bundle, see docs/healthgpt.md). The compact model only answers closed questions: yes/no, modality, plane, organ.';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
let turnCounter = 0;

/** The installed bundle for a task kind that can run on this modality, or undefined. */
function availableTask(bundles: readonly BundleSummary[], kind: 'vqa-closed' | 'vlm-generate', modality: string | undefined) {
  const taskIds = [...new Set(bundles.flatMap((bundle) => bundle.tasks.filter((task) => task.kind === kind).map((task) => task.id)))];
  const found = taskAvailability(bundles, taskIds, modality).find((task) => task.available);
  return found?.available ? found : undefined;
}

/**
 * The Report Q&A conversation: each question goes to the DICOM header when it is a metadata
 * question, else to the compact model (closed) or a HealthGPT bundle (open, streamed) by the
 * rule in question-routing.ts. Open answers stream from vlm.token events and end on vlm.finished.
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
      const route = forceRoute ?? routeQuestion(question);
      setTurns((current) => [...current, { ...base, route, status: 'answering' }]);
      try {
        if (!forceRoute) {
          const fromHeader = await api.call('reports.answerFromMetadata', { sopInstanceUid: active.sopInstanceUid, question });
          if (fromHeader.answered) {
            update(id, { route: 'metadata', status: 'answered', answer: fromHeader.answer, note: `Read from ${fromHeader.basis.join(', ')}` });
            return;
          }
        }
        if (route === 'closed') {
          if (!closedTask) {
            update(id, { status: 'needs-model', note: 'No installed model answers closed questions about this image.' });
            return;
          }
          const slice = await displayedSlice(active, roi);
          // The window actually used (the file's or the full range when the viewport reports none).
          update(id, { image: { ...image, windowCenter: slice.window.center, windowWidth: slice.window.width } });
          const result = await api.call('inference.askClosed', {
            taskId: closedTask.taskId,
            bundleId: closedTask.bundleId,
            question,
            image: { width: slice.image.width, height: slice.image.height, pixelsBase64: toBase64(slice.image.pixels) },
          });
          const model = { bundleId: result.bundleId, name: result.bundleName, version: result.bundleVersion, provider: result.provider };
          const percent = Math.round(result.confidence * 100);
          const unknown = result.unknownWords.length > 0 ? ` It has never seen the words: ${result.unknownWords.join(', ')}.` : '';
          if (result.abstained) {
            update(id, {
              status: 'abstained',
              model,
              confidence: result.confidence,
              note: `The compact model does not know: it abstains, because its best guess ("${result.answer}") has only ${percent}% confidence.${unknown}`,
            });
          } else {
            update(id, { status: 'answered', model, confidence: result.confidence, answer: result.answer, ...(unknown ? { note: unknown.trim() } : {}) });
          }
          return;
        }
        if (!openTask) {
          update(id, { status: 'needs-model', note: NEEDS_FULL_MODEL });
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

function finishedChange(payload: { answer: string; stopReason: string; error?: string }): Partial<ChatTurn> {
  if (payload.stopReason === 'failed') return { status: 'failed', answer: payload.answer, note: `The model stopped with an error: ${payload.error ?? 'unknown'}` };
  if (payload.stopReason === 'cancelled') return { status: 'cancelled', answer: payload.answer, note: 'Stopped before the end of the answer.' };
  const note = payload.stopReason === 'max-tokens' ? 'The answer reached the length limit.' : payload.stopReason === 'context-full' ? "The answer filled the model's context." : undefined;
  return { status: 'answered', answer: payload.answer, ...(note ? { note } : {}) };
}
