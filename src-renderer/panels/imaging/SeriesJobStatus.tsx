import { JobProgress } from '../JobProgress';
import type { SeriesJobState } from './use-inference-job';

/** A series job as the panels show it: progress with cancel, or how it ended, in words. */
export function SeriesJobStatus({ state, onCancel, savedText }: { state: SeriesJobState; onCancel: () => void; savedText?: (slices: number) => string }) {
  switch (state.status) {
    case 'starting':
      return <p className="hint">Starting…</p>;
    case 'running':
      return <JobProgress progress={state.progress} onCancel={onCancel} cancelling={state.cancelling} />;
    case 'cancelled':
      return (
        <p className="hint" role="status" data-testid="job-cancelled">
          Cancelled; nothing was saved.
        </p>
      );
    case 'failed':
      return (
        <p className="error" role="alert" data-testid="job-error">
          {state.message}
        </p>
      );
    case 'completed':
      return (
        <p className="hint" role="status" data-testid="job-completed">
          {savedText ? savedText(state.result.outputs.length) : `Saved ${state.result.outputs.length} slices as a derived series`} in {state.result.seconds.toFixed(1)} s on{' '}
          {state.result.provider.toUpperCase()}
          {state.result.fallbacks.length > 0 ? ` (after ${state.result.fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')})` : ''}.
        </p>
      );
    default:
      return null;
  }
}
