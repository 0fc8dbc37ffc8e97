import { useState, type FormEvent } from 'react';
import type { RemoteQuery, RetrieveMethod, RetrieveReport } from '../../src-shared/domain/network';
import type { CallResponse } from '../../src-shared/contract';
import { useApi } from '../bridge/api-context';
import { formatDicomDate, formatPersonName, toDicomDate } from '../studies/format';
import { errorText, type JobState } from './use-network-jobs';

type NetworkStudy = CallResponse<'network.find'>['studies'][number];

const emptyQuery = { patientName: '', patientId: '', accessionNumber: '', modality: '', from: '', to: '' };

/** The query form's fields as the contract's query: blanks left out, dates as YYYYMMDD. */
function toQuery(fields: typeof emptyQuery): RemoteQuery {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const query: RemoteQuery = {};
  const entries: Array<[keyof RemoteQuery, string | undefined]> = [
    ['patientName', text(fields.patientName)],
    ['patientId', text(fields.patientId)],
    ['accessionNumber', text(fields.accessionNumber)],
    ['modality', text(fields.modality)?.toUpperCase()],
    ['from', toDicomDate(fields.from)],
    ['to', toDicomDate(fields.to)],
  ];
  for (const [key, value] of entries) if (value !== undefined) query[key] = value;
  return query;
}

function cachedLabel(study: NetworkStudy): string {
  if (study.cachedInstanceCount === 0) return 'not cached';
  if (study.instanceCount !== null && study.cachedInstanceCount >= study.instanceCount) return 'in cache';
  return `${study.cachedInstanceCount}${study.instanceCount !== null ? ` of ${study.instanceCount}` : ''} cached`;
}

function reportLine(report: RetrieveReport): string {
  const base = `${report.status}: ${report.retrieved} retrieved, ${report.alreadyCached} already cached, ${report.missing.length} missing of ${report.expected}`;
  return report.message ? `${base}. ${report.message}` : base;
}

export interface QueryPanelProps {
  nodeNames: readonly string[];
  retrieves: ReadonlyMap<string, JobState<RetrieveReport>>;
  onOpenStudy?: (studyInstanceUid: string) => void;
}

/** Query a node for studies, see what the cache holds of each, and retrieve with progress and cancel. */
export function QueryPanel({ nodeNames, retrieves, onOpenStudy }: QueryPanelProps) {
  const api = useApi();
  const [node, setNode] = useState('');
  const [fields, setFields] = useState(emptyQuery);
  const [method, setMethod] = useState<'' | RetrieveMethod>('');
  const [results, setResults] = useState<{ node: string; studies: NetworkStudy[] }>();
  const [state, setState] = useState<{ searching: boolean; error?: string }>({ searching: false });
  /** Retrieve ids by study UID, for the rows' progress. */
  const [started, setStarted] = useState<Record<string, string>>({});
  const chosen = node || nodeNames[0] || '';

  const search = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!chosen) return;
    setState({ searching: true });
    try {
      const found = await api.call('network.find', { name: chosen, query: toQuery(fields) });
      setResults({ node: chosen, studies: found.studies });
      setState({ searching: false });
    } catch (failure) {
      setState({ searching: false, error: errorText(failure) });
    }
  };
  const retrieve = async (studyInstanceUid: string) => {
    if (!results) return;
    try {
      const { retrieveId } = await api.call('network.retrieve', { name: results.node, studyInstanceUid, ...(method ? { method } : {}) });
      setStarted((current) => ({ ...current, [studyInstanceUid]: retrieveId }));
    } catch (failure) {
      setState({ searching: false, error: errorText(failure) });
    }
  };

  const field = (key: keyof typeof emptyQuery, label: string, type = 'text') => (
    <label>
      {label} <input type={type} value={fields[key]} onChange={(event) => setFields({ ...fields, [key]: event.target.value })} />
    </label>
  );

  return (
    <section className="network-section" aria-label="Query and retrieve">
      <h2>Query and retrieve</h2>
      {nodeNames.length === 0 ? (
        <p className="notice">Add a node to query it.</p>
      ) : (
        <form className="network-form" aria-label="Query" onSubmit={(event) => void search(event)}>
          <label>
            Node{' '}
            <select value={chosen} onChange={(event) => setNode(event.target.value)}>
              {nodeNames.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          </label>
          {field('patientName', 'Patient name')}
          {field('patientId', 'Patient ID')}
          {field('accessionNumber', 'Accession')}
          {field('modality', 'Modality')}
          {field('from', 'From', 'date')}
          {field('to', 'To', 'date')}
          <label>
            Retrieve by{' '}
            <select value={method} onChange={(event) => setMethod(event.target.value as '' | RetrieveMethod)}>
              <option value="">default</option>
              <option value="move">C-MOVE</option>
              <option value="get">C-GET</option>
              <option value="wado">WADO-RS</option>
            </select>
          </label>
          <button type="submit" disabled={state.searching}>
            {state.searching ? 'Searching…' : 'Search'}
          </button>
        </form>
      )}
      {state.error && <p className="error">{state.error}</p>}
      {results && results.studies.length === 0 && <p className="notice">No study on {results.node} matches.</p>}
      {results && results.studies.length > 0 && (
        <table className="study-table network-results" aria-label="Query results">
          <thead>
            <tr>
              <th>Patient</th>
              <th>Patient ID</th>
              <th>Date</th>
              <th>Modalities</th>
              <th>Description</th>
              <th>Accession</th>
              <th>Images</th>
              <th>Cache</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {results.studies.map((study) => {
              const id = started[study.studyInstanceUid];
              const job = id ? retrieves.get(id) : undefined;
              const running = id !== undefined && !job?.finished;
              const report = job?.finished?.report;
              const complete = report?.status === 'completed' || (study.instanceCount !== null && study.cachedInstanceCount >= study.instanceCount && study.cachedInstanceCount > 0);
              return (
                <tr key={study.studyInstanceUid} data-study-uid={study.studyInstanceUid}>
                  <td>{formatPersonName(study.patientName) || '(no name)'}</td>
                  <td>{study.patientId}</td>
                  <td className="nowrap">{formatDicomDate(study.studyDate)}</td>
                  <td>{study.modalities.join(', ')}</td>
                  <td>{study.studyDescription}</td>
                  <td>{study.accessionNumber}</td>
                  <td>{study.instanceCount ?? '?'}</td>
                  <td className="cache-state">{report ? (report.missing.length === 0 ? 'in cache' : `${report.missing.length} missing`) : cachedLabel(study)}</td>
                  <td className="retrieve-cell">
                    {running ? (
                      <>
                        <progress max={job?.total || 1} value={job?.done ?? 0} />{' '}
                        <span role="status">
                          {job?.done ?? 0}/{job?.total ?? '?'}
                        </span>{' '}
                        <button type="button" onClick={() => void api.call('network.cancelRetrieve', { retrieveId: id })}>
                          Cancel
                        </button>
                      </>
                    ) : (
                      <button type="button" onClick={() => void retrieve(study.studyInstanceUid)}>
                        {(report ? report.missing.length < report.expected : study.cachedInstanceCount > 0) ? 'Retrieve the rest' : 'Retrieve'}
                      </button>
                    )}{' '}
                    {complete && onOpenStudy && (
                      <button type="button" onClick={() => onOpenStudy(study.studyInstanceUid)}>
                        Open
                      </button>
                    )}
                    {job?.finished && (
                      <div className={`retrieve-report ${job.finished.report?.status === 'completed' ? 'ok' : 'error'}`} role="status">
                        {job.finished.report ? reportLine(job.finished.report) : `Could not retrieve: ${job.finished.message ?? 'unknown error'}`}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
