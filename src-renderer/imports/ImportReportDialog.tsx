import type { ImportFinished } from '../../src-shared/domain/imports';

const statusTitles: Record<ImportFinished['status'], string> = {
  completed: 'Import finished',
  cancelled: 'Import cancelled',
  failed: 'Import failed',
};

/** What an import did: counts, then every failure and conflict with its path and reason. */
export function ImportReportDialog({ finished, onClose }: { finished: ImportFinished; onClose: () => void }) {
  const { report } = finished;
  const counts: [string, number | string][] = [
    ['Files looked at', report.files],
    ['New instances', report.instances],
    ['Studies', report.studies],
    ['Series', report.series],
    ['Duplicates (already cached)', report.duplicates],
    ['DICOMDIR index files', report.dicomdirs],
    ['Conflicts', report.conflicts.length],
    ['Failed files', report.failed.length],
    ['Time', `${report.seconds.toFixed(1)} s`],
  ];
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog import-report" role="dialog" aria-modal="true" aria-labelledby="import-report-title" onClick={(event) => event.stopPropagation()}>
        <h2 id="import-report-title">{statusTitles[finished.status]}</h2>
        {finished.message && <p className="error">{finished.message}</p>}
        {finished.status === 'cancelled' && <p className="notice">What was imported before cancelling stays in the cache.</p>}
        <dl className="about-versions" data-testid="import-counts">
          {counts.map(([label, value]) => (
            <div key={label} className="count-row">
              <dt>{label}</dt>
              <dd data-testid={`import-count-${label.split(' ')[0]!.toLowerCase()}`}>{value}</dd>
            </div>
          ))}
        </dl>
        {report.failed.length > 0 && (
          <>
            <h3>Files that could not be imported</h3>
            <table className="report-table" aria-label="Failed files">
              <thead>
                <tr>
                  <th>Path</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {report.failed.map((failure, index) => (
                  <tr key={`${failure.path}-${index}`}>
                    <td className="path">{failure.path}</td>
                    <td>{failure.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        {report.conflicts.length > 0 && (
          <>
            <h3>Conflicts (the cached instance was kept)</h3>
            <table className="report-table" aria-label="Conflicts">
              <thead>
                <tr>
                  <th>Path</th>
                  <th>SOP Instance UID</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {report.conflicts.map((conflict, index) => (
                  <tr key={`${conflict.path}-${index}`}>
                    <td className="path">{conflict.path}</td>
                    <td>{conflict.sopInstanceUid}</td>
                    <td>{conflict.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
