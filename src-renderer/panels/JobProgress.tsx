import { useEffect, useState } from 'react';

export interface JobProgressState {
  done: number;
  total: number;
  /** The execution provider running the job, once the main process has said. */
  provider: string | null;
  startedAt: number;
}

/** A running job: slice k/N, a cancel button (Esc does the same), the provider and the elapsed time. */
export function JobProgress({ progress, onCancel, cancelling }: { progress: JobProgressState; onCancel: () => void; cancelling?: boolean }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, []);
  const seconds = Math.max(0, (now - progress.startedAt) / 1000);
  return (
    <div className="job-progress" data-testid="job-progress">
      <progress max={Math.max(1, progress.total)} value={progress.done} aria-label="Job progress" />
      <span data-testid="job-progress-count">
        Slice {progress.done}/{progress.total}
      </span>
      <span className="hint">
        {progress.provider ? progress.provider.toUpperCase() : 'starting'} · {seconds.toFixed(1)} s
      </span>
      <button type="button" onClick={onCancel} disabled={cancelling} title="Cancel (Esc)">
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}
