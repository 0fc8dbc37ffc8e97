import { useEffect, useState } from 'react';
import type { NetworkSettings } from '../../src-shared/domain/network';
import { useCall } from '../bridge/api-context';
import { ListenerSettings } from './ListenerSettings';
import { NodeList } from './NodeList';
import { QueryPanel } from './QueryPanel';
import { useNetworkJobs } from './use-network-jobs';
import './network.css';

/**
 * The Network view: this workstation's listener, the remote nodes (add, remove, echo), and query
 * and retrieve from them. Every call behind it is owner-only in the contract.
 */
export function NetworkView({ onOpenStudy }: { onOpenStudy?: (studyInstanceUid: string) => void }) {
  const loaded = useCall('network.settings', {});
  const [settings, setSettings] = useState<NetworkSettings>();
  useEffect(() => {
    if (loaded.status === 'ready') setSettings(loaded.value);
  }, [loaded]);
  const jobs = useNetworkJobs();

  if (loaded.status === 'failed') return <p className="error">The network settings could not be read: {loaded.message}</p>;
  if (!settings) return <p className="notice">Loading the network settings…</p>;
  return (
    <section className="network-view" aria-label="Network">
      <NodeList settings={settings} onChanged={setSettings} />
      <QueryPanel nodeNames={settings.nodes.map((node) => node.name)} retrieves={jobs.retrieves} {...(onOpenStudy ? { onOpenStudy } : {})} />
      <ListenerSettings settings={settings} onChanged={setSettings} />
    </section>
  );
}
