import type { ImportProgress } from '../../src-shared/domain/imports';

/** A slim bar under the app bar while an import runs, with its Cancel button. */
export function ImportProgressBar({ progress, cancelling, onCancel }: { progress: ImportProgress | undefined; cancelling: boolean; onCancel: () => void }) {
  const total = progress?.filesTotal ?? null;
  const done = progress?.filesDone ?? 0;
  return (
    <div className="import-progress" role="status" aria-label="Import progress">
      <progress max={total ?? undefined} value={total === null ? undefined : done} aria-label="Files imported" />
      <span className="import-progress-text" data-testid="import-progress-text">
        {cancelling ? 'Cancelling…' : total === null ? `Listing files… ${done} so far` : `Importing ${done} of ${total} files`}
      </span>
      {progress?.currentPath && <span className="import-progress-path notice">{progress.currentPath}</span>}
      <button type="button" onClick={onCancel} disabled={cancelling}>
        Cancel
      </button>
    </div>
  );
}
