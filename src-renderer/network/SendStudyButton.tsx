import { useState } from 'react';
import type { SendReport } from '../../src-shared/domain/network';
import { useApi, useCall } from '../bridge/api-context';
import { errorText, useNetworkJobs } from './use-network-jobs';

function summary(report: SendReport): string {
  const sent = report.instances.filter((instance) => instance.ok).length;
  return `${report.status}: ${sent} of ${report.instances.length} sent${report.message ? `. ${report.message}` : ''}`;
}

/** "Send to…": sends a cached study to a configured node, with progress, cancel and each instance's status. */
export function SendStudyButton({ studyInstanceUid }: { studyInstanceUid: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Send to…
      </button>
      {open && <SendDialog studyInstanceUid={studyInstanceUid} onClose={() => setOpen(false)} />}
    </>
  );
}

function SendDialog({ studyInstanceUid, onClose }: { studyInstanceUid: string; onClose: () => void }) {
  const api = useApi();
  const settings = useCall('network.settings', {});
  const { sends } = useNetworkJobs();
  const [node, setNode] = useState('');
  const [sendId, setSendId] = useState<string>();
  const [error, setError] = useState<string>();
  const nodes = settings.status === 'ready' ? settings.value.nodes : [];
  const chosen = node || nodes[0]?.name || '';
  const job = sendId ? sends.get(sendId) : undefined;
  const running = sendId !== undefined && !job?.finished;
  const failedInstances = job?.finished?.report?.instances.filter((instance) => !instance.ok) ?? [];

  const start = async () => {
    setError(undefined);
    try {
      setSendId((await api.call('network.send', { name: chosen, studyInstanceUid })).sendId);
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  return (
    <div className="dialog-backdrop" onClick={() => !running && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="send-study-title" onClick={(event) => event.stopPropagation()}>
        <h2 id="send-study-title">Send study</h2>
        {settings.status === 'failed' && <p className="error">{settings.message}</p>}
        {settings.status === 'ready' && nodes.length === 0 && <p className="notice">No remote nodes are configured; add one in the Network view.</p>}
        {nodes.length > 0 && (
          <label>
            To{' '}
            <select value={chosen} onChange={(event) => setNode(event.target.value)} disabled={running}>
              {nodes.map((candidate) => (
                <option key={candidate.name}>{candidate.name}</option>
              ))}
            </select>
          </label>
        )}
        {running && (
          <p role="status">
            <progress max={job?.total || 1} value={job?.done ?? 0} /> {job?.done ?? 0}/{job?.total ?? '?'} sent
          </p>
        )}
        {job?.finished && (
          <div role="status" className={`send-report ${job.finished.report?.status === 'completed' ? 'ok' : 'error'}`}>
            {job.finished.report ? summary(job.finished.report) : `Could not send: ${job.finished.message ?? 'unknown error'}`}
            {failedInstances.length > 0 && (
              <ul className="send-failures">
                {failedInstances.slice(0, 20).map((instance) => (
                  <li key={instance.sopInstanceUid}>
                    {instance.sopInstanceUid}: {instance.status}
                  </li>
                ))}
                {failedInstances.length > 20 && <li>…and {failedInstances.length - 20} more</li>}
              </ul>
            )}
          </div>
        )}
        {error && <p className="error">{error}</p>}
        <div className="dialog-actions">
          {running ? (
            <button type="button" onClick={() => void api.call('network.cancelSend', { sendId: sendId! })}>
              Cancel
            </button>
          ) : (
            <>
              <button type="button" onClick={onClose}>
                Close
              </button>
              <button type="button" disabled={!chosen} onClick={() => void start()}>
                Send
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
