import { useState, type FormEvent } from 'react';
import type { EchoResult, NetworkSettings, RemoteNode } from '../../src-shared/domain/network';
import { useApi } from '../bridge/api-context';
import { errorText } from './use-network-jobs';

function describe(node: RemoteNode): string {
  return node.kind === 'dimse' ? `DIMSE ${node.aet}@${node.host}:${node.port}${node.tls ? ' (TLS)' : ''}` : `DICOMweb ${node.url}${node.auth ? ` (${node.auth.type} auth)` : ''}`;
}

/** The configured remote nodes, each with Echo and Remove, and a form to add one. */
export function NodeList({ settings, onChanged }: { settings: NetworkSettings; onChanged: (settings: NetworkSettings) => void }) {
  const api = useApi();
  const [echoes, setEchoes] = useState<Record<string, EchoResult | 'running' | { error: string }>>({});
  const [error, setError] = useState<string>();

  const echo = async (name: string) => {
    setEchoes((current) => ({ ...current, [name]: 'running' }));
    try {
      const result = await api.call('network.echo', { name });
      setEchoes((current) => ({ ...current, [name]: result }));
    } catch (failure) {
      setEchoes((current) => ({ ...current, [name]: { error: errorText(failure) } }));
    }
  };
  const remove = async (name: string) => {
    setError(undefined);
    try {
      onChanged(await api.call('network.removeNode', { name }));
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  return (
    <section className="network-section" aria-label="Remote nodes">
      <h2>Remote nodes</h2>
      {settings.nodes.length === 0 && <p className="notice">No remote nodes yet. Add your PACS below.</p>}
      <ul className="network-nodes">
        {settings.nodes.map((node) => {
          const result = echoes[node.name];
          return (
            <li key={node.name} data-node={node.name}>
              <strong>{node.name}</strong> <span className="notice">{describe(node)}</span>{' '}
              <button type="button" onClick={() => void echo(node.name)} disabled={result === 'running'}>
                Echo
              </button>{' '}
              <button type="button" className="danger" onClick={() => void remove(node.name)}>
                Remove
              </button>{' '}
              <span className="echo-result" role="status">
                {result === 'running' && 'Checking…'}
                {result !== undefined && result !== 'running' && 'error' in result && <span className="error">{result.error}</span>}
                {result !== undefined && result !== 'running' && 'ok' in result && (
                  <span className={result.ok ? 'ok' : 'error'}>
                    {result.ok ? `OK (${Math.round(result.milliseconds)} ms)` : `Failed${result.failure ? ` (${result.failure})` : ''}: ${result.message}`}
                  </span>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      {error && <p className="error">{error}</p>}
      <AddNodeForm onAdded={onChanged} />
    </section>
  );
}

function AddNodeForm({ onAdded }: { onAdded: (settings: NetworkSettings) => void }) {
  const api = useApi();
  const [kind, setKind] = useState<'dimse' | 'dicomweb'>('dimse');
  const [fields, setFields] = useState({ name: '', aet: '', host: '', port: '104', tls: false, url: '' });
  const [error, setError] = useState<string>();
  const set = (key: keyof typeof fields) => (value: string | boolean) => setFields((current) => ({ ...current, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const node =
        kind === 'dimse'
          ? { kind, name: fields.name.trim(), aet: fields.aet.trim(), host: fields.host.trim(), port: Number(fields.port), tls: fields.tls }
          : { kind, name: fields.name.trim(), url: fields.url.trim() };
      onAdded(await api.call('network.addNode', node));
      setFields({ name: '', aet: '', host: '', port: '104', tls: false, url: '' });
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  return (
    <form className="network-form" aria-label="Add a node" onSubmit={(event) => void submit(event)}>
      <label>
        Kind{' '}
        <select value={kind} onChange={(event) => setKind(event.target.value as 'dimse' | 'dicomweb')}>
          <option value="dimse">DIMSE</option>
          <option value="dicomweb">DICOMweb</option>
        </select>
      </label>
      <label>
        Name <input value={fields.name} onChange={(event) => set('name')(event.target.value)} required />
      </label>
      {kind === 'dimse' ? (
        <>
          <label>
            AE title <input value={fields.aet} onChange={(event) => set('aet')(event.target.value)} maxLength={16} required />
          </label>
          <label>
            Host <input value={fields.host} onChange={(event) => set('host')(event.target.value)} required />
          </label>
          <label>
            Port <input type="number" min={1} max={65535} value={fields.port} onChange={(event) => set('port')(event.target.value)} required />
          </label>
          <label>
            <input type="checkbox" checked={fields.tls} onChange={(event) => set('tls')(event.target.checked)} /> TLS
          </label>
        </>
      ) : (
        <label>
          Base URL <input type="url" value={fields.url} onChange={(event) => set('url')(event.target.value)} placeholder="http://pacs:8042/dicom-web" required />
        </label>
      )}
      <button type="submit">Add node</button>
      {kind === 'dicomweb' && <p className="notice">Nodes that need a password or token are added with the command line (radstation remote add), so the secret stays in a file you control.</p>}
      {error && <p className="error">{error}</p>}
    </form>
  );
}
