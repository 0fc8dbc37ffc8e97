import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventPayload, InferenceResult, PixelRegionRequest, ProviderChoice, RadstationApi, SeriesImage } from '../../../src-shared/contract';
import type { JobProgressState } from '../JobProgress';
import { useEscapeToCancel } from '../use-escape-to-cancel';

export type SeriesJobState =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'running'; jobId: string; progress: JobProgressState; cancelling: boolean }
  | { status: 'completed'; result: InferenceResult }
  | { status: 'cancelled' }
  | { status: 'failed'; message: string };

export interface SeriesJobRequest {
  taskId: string;
  bundleId?: string;
  seriesInstanceUid: string;
  provider?: ProviderChoice;
  /** Only these images (the slice on screen); the whole series when left out. */
  instances?: SeriesImage[];
  /** Only this rectangle of source pixels of each image. */
  region?: PixelRegionRequest;
}

type Progress = EventPayload<'inference.progress'>;
type Finished = EventPayload<'inference.finished'>;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One series job at a time for a panel: start, progress (slice k/N, provider), cancel (Esc
 * too) and the outcome. Events that arrive before inference.run answers with the job's ID are
 * kept, so a fast job is never missed.
 */
export function useSeriesJob(api: RadstationApi, onCompleted?: (result: InferenceResult) => void) {
  const [state, setState] = useState<SeriesJobState>({ status: 'idle' });
  const jobId = useRef<string | undefined>(undefined);
  const early = useRef(new Map<string, { progress?: Progress; finished?: Finished }>());
  const completed = useRef(onCompleted);
  completed.current = onCompleted;

  const applyFinished = useCallback((payload: Finished) => {
    jobId.current = undefined;
    if (payload.status === 'completed' && payload.result) {
      setState({ status: 'completed', result: payload.result });
      completed.current?.(payload.result);
    } else if (payload.status === 'cancelled') setState({ status: 'cancelled' });
    else setState({ status: 'failed', message: payload.error?.message ?? 'The job failed without saying why.' });
  }, []);

  const applyProgress = useCallback((payload: Progress) => {
    setState((current) =>
      current.status === 'running' && current.jobId === payload.jobId
        ? { ...current, progress: { ...current.progress, done: payload.slicesDone, total: payload.slicesTotal, provider: payload.provider ?? current.progress.provider } }
        : current,
    );
  }, []);

  useEffect(() => {
    const offProgress = api.on('inference.progress', (payload) => {
      if (payload.jobId === jobId.current) applyProgress(payload);
      else early.current.set(payload.jobId, { ...early.current.get(payload.jobId), progress: payload });
    });
    const offFinished = api.on('inference.finished', (payload) => {
      if (payload.jobId === jobId.current) applyFinished(payload);
      else early.current.set(payload.jobId, { ...early.current.get(payload.jobId), finished: payload });
    });
    return () => {
      offProgress();
      offFinished();
    };
  }, [api, applyFinished, applyProgress]);

  const start = useCallback(
    async (request: SeriesJobRequest, total: number) => {
      setState({ status: 'starting' });
      try {
        const { jobId: id } = await api.call('inference.run', { ...request, provider: request.provider ?? 'auto' });
        jobId.current = id;
        setState({ status: 'running', jobId: id, cancelling: false, progress: { done: 0, total, provider: null, startedAt: Date.now() } });
        const seen = early.current.get(id);
        early.current.clear();
        if (seen?.progress) applyProgress(seen.progress);
        if (seen?.finished) applyFinished(seen.finished);
      } catch (error) {
        setState({ status: 'failed', message: errorText(error) });
      }
    },
    [api, applyFinished, applyProgress],
  );

  const cancel = useCallback(() => {
    const id = jobId.current;
    if (!id) return;
    setState((current) => (current.status === 'running' ? { ...current, cancelling: true } : current));
    api.call('inference.cancel', { jobId: id }).catch((error: unknown) => setState({ status: 'failed', message: `Could not cancel: ${errorText(error)}` }));
  }, [api]);

  const reset = useCallback(() => setState({ status: 'idle' }), []);
  useEscapeToCancel(state.status === 'running', cancel);
  return { state, start, cancel, reset };
}
