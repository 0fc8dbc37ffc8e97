import { useEffect, useState } from 'react';
import { useApi, useCall } from '../shell/api-context';

function formatDate(dicomDate: string): string {
  return /^\d{8}$/.test(dicomDate) ? `${dicomDate.slice(0, 4)}-${dicomDate.slice(4, 6)}-${dicomDate.slice(6, 8)}` : dicomDate;
}

export function StudyBrowser({ onOpenStudy }: { onOpenStudy?: (studyInstanceUid: string) => void } = {}) {
  const api = useApi();
  const [text, setText] = useState('');
  const [refreshKey, setRefreshKey] = useState(0);
  useEffect(() => api.on('studies.changed', () => setRefreshKey((key) => key + 1)), [api]);
  const studies = useCall('studies.list', { text: text.trim() || undefined }, refreshKey);

  return (
    <section className="study-browser" aria-label="Study browser">
      <div className="toolbar">
        <input type="search" placeholder="Search patient, ID, accession, description…" aria-label="Search studies" value={text} onChange={(event) => setText(event.target.value)} />
      </div>
      {studies.status === 'failed' && <p className="error">{studies.message}</p>}
      <table className="study-table">
        <thead>
          <tr>
            <th>Patient</th>
            <th>Patient ID</th>
            <th>Date</th>
            <th>Modalities</th>
            <th>Description</th>
            <th>Accession</th>
            <th>Series</th>
            <th>Images</th>
          </tr>
        </thead>
        <tbody>
          {studies.status === 'ready' &&
            studies.value.studies.map((study) => (
              <tr
                key={study.studyInstanceUid}
                data-study-uid={study.studyInstanceUid}
                tabIndex={0}
                title="Double-click or press Enter to open"
                onDoubleClick={() => onOpenStudy?.(study.studyInstanceUid)}
                onKeyDown={(event) => event.key === 'Enter' && onOpenStudy?.(study.studyInstanceUid)}
              >
                <td>{study.patientName.replace(/\^/g, ' ').trim()}</td>
                <td>{study.patientId}</td>
                <td>{formatDate(study.studyDate)}</td>
                <td>{study.modalities.join(', ')}</td>
                <td>{study.studyDescription}</td>
                <td>{study.accessionNumber}</td>
                <td>{study.seriesCount}</td>
                <td>{study.instanceCount}</td>
              </tr>
            ))}
        </tbody>
      </table>
      {studies.status === 'ready' && studies.value.studies.length === 0 && (
        <p className="empty-state" data-testid="studies-empty">
          {text.trim() ? 'No study matches this search.' : 'No studies in the cache yet. Import files, a folder, a DICOMDIR or a zip to begin.'}
        </p>
      )}
    </section>
  );
}
