import { useCall } from '../bridge/api-context';
import { formatDicomDate } from './format';
import { SeriesThumbnail } from './SeriesThumbnail';

/** The series of one study, shown when its row is expanded. */
export function SeriesList({
  studyInstanceUid,
  refreshKey,
  onOpenSeries,
}: {
  studyInstanceUid: string;
  refreshKey: number;
  /** Double-click: the study opens in the viewer with this series in the first viewport. */
  onOpenSeries?: (seriesInstanceUid: string) => void;
}) {
  const series = useCall('studies.series', { studyInstanceUid }, refreshKey);
  if (series.status === 'loading') return <p className="notice">Loading series…</p>;
  if (series.status === 'failed') return <p className="error">{series.message}</p>;
  if (series.value.series.length === 0) return <p className="notice">This study has no series.</p>;
  return (
    <ul className="series-list" aria-label="Series">
      {series.value.series.map((entry) => {
        const label = `series ${entry.seriesNumber ?? '–'} ${entry.seriesDescription}`.trim();
        return (
          <li
            key={entry.seriesInstanceUid}
            className="series-card"
            data-series-uid={entry.seriesInstanceUid}
            title="Double-click to open this series in the viewer"
            onDoubleClick={() => onOpenSeries?.(entry.seriesInstanceUid)}
          >
            <SeriesThumbnail seriesInstanceUid={entry.seriesInstanceUid} label={label} refreshKey={refreshKey} />
            <div className="series-details">
              <div className="series-title">
                <span className="series-number">#{entry.seriesNumber ?? '–'}</span> <span className="series-modality">{entry.modality || '?'}</span>{' '}
                <span className="series-description">{entry.seriesDescription || '(no description)'}</span>
                {entry.isDerived && <span className="badge">derived</span>}
              </div>
              <div className="notice">
                {entry.instanceCount} {entry.instanceCount === 1 ? 'image' : 'images'}
                {entry.bodyPartExamined && ` · ${entry.bodyPartExamined}`}
                {entry.seriesDate && ` · ${formatDicomDate(entry.seriesDate)}`}
              </div>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
