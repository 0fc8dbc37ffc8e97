import { Fragment, useEffect, useState } from 'react';
import type { StudyQuery } from '../../src-shared/domain/studies';
import { useApi, useCall } from '../bridge/api-context';
import { formatCount, formatDicomDate, formatPersonName, toDicomDate } from './format';
import { DeleteStudyButton } from './DeleteStudyButton';
import { DeidentifyStudyButton } from './DeidentifyStudyButton';
import { SendStudyButton } from '../network/SendStudyButton';
import { SeriesList } from './SeriesList';
import { TeachPanel } from '../teaching/TeachPanel';
import { useStudySelection } from '../teaching/use-study-selection';
import { emptyFilters, StudyFilters, type StudyFilterValues } from './StudyFilters';
import { useRevealedRows } from './use-revealed-rows';

type SortKey = NonNullable<StudyQuery['sortBy']>;
type Direction = 'asc' | 'desc';

const columns: { title: string; sortKey?: SortKey }[] = [
  { title: 'Patient', sortKey: 'patientName' },
  { title: 'Patient ID', sortKey: 'patientId' },
  { title: 'Date', sortKey: 'studyDate' },
  { title: 'Modalities', sortKey: 'modalities' },
  { title: 'Description', sortKey: 'studyDescription' },
  { title: 'Accession' },
  { title: 'Series' },
  { title: 'Images' },
];

export function StudyBrowser({ onOpenStudy }: { onOpenStudy?: (studyInstanceUid: string, seriesInstanceUid?: string) => void } = {}) {
  const api = useApi();
  const [filters, setFilters] = useState<StudyFilterValues>(emptyFilters);
  const [sort, setSort] = useState<{ key: SortKey; direction: Direction }>({ key: 'studyDate', direction: 'desc' });
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [refreshKey, setRefreshKey] = useState(0);
  const selection = useStudySelection();
  useEffect(() => api.on('studies.changed', () => setRefreshKey((key) => key + 1)), [api]);

  const studies = useCall(
    'studies.list',
    {
      text: filters.text.trim() || undefined,
      modality: filters.modality || undefined,
      from: toDicomDate(filters.from),
      to: toDicomDate(filters.to),
      deidentified: filters.deidentifiedOnly ? true : undefined,
      sortBy: sort.key,
      sortDirection: sort.direction,
    },
    refreshKey,
  );

  const shownRows = useRevealedRows(studies.status === 'ready' ? studies.value.studies : undefined);

  const toggleSort = (key: SortKey) =>
    setSort((current) => (current.key === key ? { key, direction: current.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: key === 'studyDate' ? 'desc' : 'asc' }));
  const toggleExpanded = (uid: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(uid)) next.delete(uid);
      else next.add(uid);
      return next;
    });
  const filtering = filters.text.trim() !== '' || filters.modality !== '' || filters.from !== '' || filters.to !== '' || filters.deidentifiedOnly;

  return (
    <section className="study-browser" aria-label="Study browser">
      <StudyFilters value={filters} onChange={setFilters} />
      <TeachPanel selected={selection.selected} />
      {studies.status === 'failed' && <p className="error">{studies.message}</p>}
      {/* Above the table, where it is seen without scrolling: the list shows the first page only. */}
      {studies.status === 'ready' && studies.value.total > studies.value.studies.length && (
        <p className="list-cut" role="status" data-testid="studies-total">
          {formatCount(studies.value.studies.length)} of {formatCount(studies.value.total)}: refine the search
        </p>
      )}
      <table className="study-table">
        <thead>
          <tr>
            <th className="expander-column" aria-label="Expand" />
            {columns.map((column) => (
              <th key={column.title} aria-sort={column.sortKey === sort.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
                {column.sortKey ? (
                  <button type="button" className="sort-button" onClick={() => toggleSort(column.sortKey as SortKey)}>
                    {column.title}
                    {column.sortKey === sort.key && <span aria-hidden="true">{sort.direction === 'asc' ? ' ▲' : ' ▼'}</span>}
                  </button>
                ) : (
                  column.title
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {studies.status === 'ready' &&
            studies.value.studies.slice(0, shownRows).map((study) => {
              const isOpen = expanded.has(study.studyInstanceUid);
              const patient = formatPersonName(study.patientName) || '(no name)';
              return (
                <Fragment key={study.studyInstanceUid}>
                  <tr
                    className={`study-row${isOpen ? ' open' : ''}`}
                    data-study-uid={study.studyInstanceUid}
                    title="Double-click or press Enter to open in the viewer"
                    tabIndex={0}
                    onClick={() => toggleExpanded(study.studyInstanceUid)}
                    onDoubleClick={() => onOpenStudy?.(study.studyInstanceUid)}
                    onKeyDown={(event) => event.key === 'Enter' && onOpenStudy?.(study.studyInstanceUid)}
                  >
                    {/* One line: the teaching tick box sits beside the expander, so rows keep their height. */}
                    <td className="nowrap">
                      <button
                        type="button"
                        className="expander"
                        aria-expanded={isOpen}
                        aria-label={`${isOpen ? 'Hide' : 'Show'} series of ${patient}`}
                        onClick={(event) => {
                          event.stopPropagation();
                          toggleExpanded(study.studyInstanceUid);
                        }}
                      >
                        {isOpen ? '▾' : '▸'}
                      </button>
                      {selection.checkbox(study.studyInstanceUid, patient)}
                    </td>
                    <td>
                      {patient}
                      {study.deidentified && (
                        <span className="badge" data-testid="deidentified-badge" title="De-identified by Radstation (DICOM PS3.15 profile)">
                          {' '}
                          De-identified
                        </span>
                      )}
                    </td>
                    <td className="cut" title={study.patientId}>
                      <span>{study.patientId}</span>
                    </td>
                    <td className="nowrap">{formatDicomDate(study.studyDate)}</td>
                    <td>{study.modalities.join(', ')}</td>
                    <td>{study.studyDescription}</td>
                    <td className="cut" title={study.accessionNumber}>
                      <span>{study.accessionNumber}</span>
                    </td>
                    <td>{study.seriesCount}</td>
                    <td>{study.instanceCount}</td>
                  </tr>
                  {isOpen && (
                    <tr className="series-row">
                      <td colSpan={columns.length + 1}>
                        <SeriesList
                          studyInstanceUid={study.studyInstanceUid}
                          refreshKey={refreshKey}
                          onOpenSeries={(seriesUid) => onOpenStudy?.(study.studyInstanceUid, seriesUid)}
                        />
                        <div className="series-actions">
                          <DeidentifyStudyButton studyInstanceUid={study.studyInstanceUid} />
                          <SendStudyButton studyInstanceUid={study.studyInstanceUid} />
                          <DeleteStudyButton studyInstanceUid={study.studyInstanceUid} patient={patient} />
                        </div>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
        </tbody>
      </table>
      {studies.status === 'ready' && studies.value.studies.length === 0 && (
        <p className="empty-state" data-testid="studies-empty">
          {filtering ? 'No study matches this search.' : 'No studies in the cache yet. Import files, a folder, a DICOMDIR or a zip to begin.'}
        </p>
      )}
    </section>
  );
}
