import { randomUUID } from 'node:crypto';
import type { CallResponse, ParsedCallRequest } from '../../src-shared/contract';
import type { ListenerStatus, LocalListenerSettings, NetworkSettings, RemoteNode } from '../../src-shared/domain/network';
import type { EventBus } from '../events';
import type Database from 'better-sqlite3';
import { withCacheConnection } from '../studies/cache/database';
import type { ArchiveHandlers } from './scp/dicom-scp';
import { cacheArchive } from './archive/cache-archive';
import type { ImportService } from '../studies/import/import-service';
import { createListenerControl, type ListenerOverrides } from './listener-control';
import { addNode, findNode, loadNetworkSettings, removeNode, saveNetworkSettings } from './network-settings';
import { echoNode, findSeries, findStudies } from './remote-queries';
import { retrieve } from './retrieve';
import type { DicomListener } from './scp/dicom-listener';
import { send } from './send';

export interface NetworkService {
  settings(): NetworkSettings;
  addNode(node: RemoteNode): NetworkSettings;
  removeNode(name: string): NetworkSettings;
  echo(name: string): Promise<CallResponse<'network.echo'>>;
  find(request: ParsedCallRequest<'network.find'>): Promise<CallResponse<'network.find'>>;
  series(request: ParsedCallRequest<'network.series'>): Promise<CallResponse<'network.series'>>;
  retrieve(request: ParsedCallRequest<'network.retrieve'>): { retrieveId: string };
  cancelRetrieve(retrieveId: string): { cancelled: boolean };
  send(request: ParsedCallRequest<'network.send'>): { sendId: string };
  cancelSend(sendId: string): { cancelled: boolean };
  listener(): ListenerStatus;
  /** Starts the DICOM listener (a host does this when its settings or options ask for it). */
  startListener(overrides?: ListenerOverrides): Promise<ListenerStatus>;
  /**
   * What each host does at start: runs the listener when the settings enable it or the host's
   * options name a port or address; otherwise nothing (undefined).
   */
  startListenerIfAsked(overrides?: ListenerOverrides): Promise<ListenerStatus | undefined>;
  /** The running listener, for hosts and tests that need its port or importer. */
  runningListener(): DicomListener | undefined;
  configureListener(local: LocalListenerSettings): Promise<CallResponse<'network.configureListener'>>;
  /** The listener's archive answers (C-FIND, C-MOVE, C-GET) from the cache, over the service's connection. */
  archive(settings: () => NetworkSettings): ArchiveHandlers;
  close(): Promise<void>;
}

/** How many instances of each study the cache holds, for marking query results. */
function cachedCounts(cacheDir: string, shared: Database.Database | undefined, studyUids: readonly string[]): Map<string, number> {
  return withCacheConnection(cacheDir, shared, (db) => {
    const count = db
      .prepare('SELECT COUNT(*) FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid WHERE s.study_instance_uid = ?')
      .pluck();
    return new Map(studyUids.map((uid) => [uid, Number(count.get(uid) ?? 0)]));
  });
}

/** The network calls of the contract, over the same code the CLI uses. */
export function createNetworkService(options: { cacheDir: string; imports: ImportService; events: EventBus; db?: Database.Database }): NetworkService {
  const { cacheDir } = options;
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const sending = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const listeners = createListenerControl({ cacheDir, imports: options.imports, ...(options.db ? { db: options.db } : {}), log: (line) => console.error(`[radstation] dicom: ${line}`) });
  const settings = () => loadNetworkSettings(cacheDir);

  return {
    settings,
    addNode: (node) => addNode(cacheDir, node),
    archive: (current) => cacheArchive(cacheDir, current, options.db),
    removeNode: (name) => removeNode(cacheDir, name),
    echo: (name) => {
      const current = settings();
      return echoNode(current, findNode(current, name));
    },
    async find({ name, query }) {
      const current = settings();
      const studies = await findStudies(current, findNode(current, name), query);
      const cached = cachedCounts(
        cacheDir,
        options.db,
        studies.map((study) => study.studyInstanceUid),
      );
      return { studies: studies.map((study) => ({ ...study, cachedInstanceCount: cached.get(study.studyInstanceUid) ?? 0 })) };
    },
    async series({ name, studyInstanceUid }) {
      const current = settings();
      return { series: await findSeries(current, findNode(current, name), studyInstanceUid) };
    },
    retrieve(request) {
      const current = settings();
      const node = findNode(current, request.name);
      const retrieveId = randomUUID();
      const controller = new AbortController();
      let lease: Awaited<ReturnType<typeof listeners.acquireForRetrieve>> | undefined;
      const done = retrieve(
        {
          cacheDir,
          ...(options.db ? { db: options.db } : {}),
          settings: current,
          imports: options.imports,
          signal: controller.signal,
          listener: async () => (lease ??= await listeners.acquireForRetrieve()).listener,
          onProgress: (done, total) => options.events.emit('network.retrieveProgress', { retrieveId, done, total }),
        },
        {
          node,
          studyInstanceUid: request.studyInstanceUid,
          ...(request.seriesInstanceUid ? { seriesInstanceUid: request.seriesInstanceUid } : {}),
          ...(request.method ? { method: request.method } : {}),
        },
      ).then(
        (report) => options.events.emit('network.retrieveFinished', { retrieveId, report }),
        (error: unknown) => options.events.emit('network.retrieveFinished', { retrieveId, report: null, message: error instanceof Error ? error.message : String(error) }),
      );
      const released = done.finally(async () => {
        running.delete(retrieveId);
        await lease?.release();
      });
      running.set(retrieveId, { controller, done: released });
      return { retrieveId };
    },
    cancelRetrieve(retrieveId) {
      const job = running.get(retrieveId);
      job?.controller.abort();
      return { cancelled: job !== undefined };
    },
    send(request) {
      const current = settings();
      const node = findNode(current, request.name);
      const sendId = randomUUID();
      const controller = new AbortController();
      const done = send(
        { cacheDir, ...(options.db ? { db: options.db } : {}), settings: current, signal: controller.signal, onProgress: (done, total) => options.events.emit('network.sendProgress', { sendId, done, total }) },
        { node, ...(request.studyInstanceUid ? { studyInstanceUid: request.studyInstanceUid } : {}), ...(request.seriesInstanceUid ? { seriesInstanceUid: request.seriesInstanceUid } : {}) },
      ).then(
        (report) => options.events.emit('network.sendFinished', { sendId, report }),
        (error: unknown) => options.events.emit('network.sendFinished', { sendId, report: null, message: error instanceof Error ? error.message : String(error) }),
      );
      sending.set(sendId, { controller, done: done.finally(() => sending.delete(sendId)) });
      return { sendId };
    },
    cancelSend(sendId) {
      const job = sending.get(sendId);
      job?.controller.abort();
      return { cancelled: job !== undefined };
    },
    listener: () => listeners.status(),
    startListener: (overrides) => listeners.start(overrides),
    async startListenerIfAsked(overrides = {}) {
      try {
        if (overrides.port === undefined && overrides.address === undefined && !settings().listenerEnabled) return undefined;
        return await listeners.start(overrides);
      } catch (error) {
        // A damaged network.json: the host still starts, and says why there is no listener.
        return { running: false, aet: '', port: 0, address: '', error: error instanceof Error ? error.message : String(error) };
      }
    },
    runningListener: () => listeners.running(),
    async configureListener(local) {
      const next = { ...settings(), ...local };
      saveNetworkSettings(cacheDir, next);
      const listener = local.listenerEnabled ? await listeners.start() : await listeners.stop();
      return { settings: settings(), listener };
    },
    async close() {
      const jobs = [...running.values(), ...sending.values()];
      for (const job of jobs) job.controller.abort();
      await Promise.all(jobs.map((job) => job.done));
      await listeners.close();
    },
  };
}
