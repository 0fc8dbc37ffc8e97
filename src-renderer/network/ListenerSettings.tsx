import { useState, type FormEvent } from 'react';
import { isLoopbackAddress, type ListenerStatus, type LocalListenerSettings, type NetworkSettings } from '../../src-shared/domain/network';
import { useApi, useCall } from '../bridge/api-context';
import { errorText } from './use-network-jobs';

/** Radstation's own AE title, port and listen address, and whether its DICOM listener runs. */
export function ListenerSettings({ settings, onChanged }: { settings: NetworkSettings; onChanged: (settings: NetworkSettings) => void }) {
  const api = useApi();
  const initialStatus = useCall('network.listener', {});
  const [status, setStatus] = useState<ListenerStatus>();
  const [form, setForm] = useState({
    localAet: settings.localAet,
    localPort: String(settings.localPort),
    listenAddress: settings.listenAddress,
    listenerEnabled: settings.listenerEnabled,
    acceptAnyCaller: settings.acceptAnyCaller,
  });
  const [state, setState] = useState<{ saving: boolean; error?: string }>({ saving: false });
  const shown = status ?? (initialStatus.status === 'ready' ? initialStatus.value : undefined);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setState({ saving: true });
    try {
      const local: LocalListenerSettings = { ...form, localAet: form.localAet.trim(), localPort: Number(form.localPort), listenAddress: form.listenAddress.trim() };
      const result = await api.call('network.configureListener', local);
      setStatus(result.listener);
      onChanged(result.settings);
      setState({ saving: false });
    } catch (failure) {
      setState({ saving: false, error: errorText(failure) });
    }
  };

  return (
    <section className="network-section" aria-label="Local listener">
      <h2>This workstation</h2>
      <p className="listener-status" role="status">
        {shown === undefined
          ? 'Checking the DICOM listener…'
          : shown.running
            ? `DICOM listener running as ${shown.aet} on ${shown.address} port ${shown.port}.`
            : `DICOM listener not running${shown.error ? `: ${shown.error}` : '.'}`}
      </p>
      <form className="network-form" aria-label="Listener settings" onSubmit={(event) => void save(event)}>
        <label>
          AE title <input value={form.localAet} maxLength={16} onChange={(event) => setForm({ ...form, localAet: event.target.value })} required />
        </label>
        <label>
          Port <input type="number" min={1} max={65535} value={form.localPort} onChange={(event) => setForm({ ...form, localPort: event.target.value })} required />
        </label>
        <label>
          Listen address <input value={form.listenAddress} onChange={(event) => setForm({ ...form, listenAddress: event.target.value })} required />
        </label>
        <label>
          <input type="checkbox" checked={form.listenerEnabled} onChange={(event) => setForm({ ...form, listenerEnabled: event.target.checked })} /> Run the listener
        </label>
        <label>
          <input type="checkbox" checked={form.acceptAnyCaller} onChange={(event) => setForm({ ...form, acceptAnyCaller: event.target.checked })} /> Accept any calling AE title
        </label>
        <button type="submit" disabled={state.saving}>
          Save
        </button>
      </form>
      {!isLoopbackAddress(form.listenAddress.trim()) && (
        <p className="notice">
          Other machines on that network can connect to this address. Only configured nodes may push or query{form.acceptAnyCaller ? ' — unless you accept any caller' : ''}; an AE title is
          not a password.
        </p>
      )}
      {state.error && <p className="error">{state.error}</p>}
    </section>
  );
}
