import { randomUUID } from 'node:crypto';
import type { CallResponse, ParsedCallRequest } from '../../src-shared/contract';
import type { NetworkSettings, RemoteNode } from '../../src-shared/domain/network';
import type { EventBus } from '../events';
import type Database from 'better-sqlite3';
import { withCacheConnection } from '../studies/cache/database';
import type { ImportService } from '../studies/import/import-service';
import { addNode, findNode, loadNetworkSettings, removeNode } from './network-settings';
import { echoNode, findSeries, findStudies } from './remote-queries';
import { retrieve } from './retrieve';
import type { DicomListener } from './scp/dicom-listener';
import type { ArchiveHandlers } from './scp/dicom-scp';
import { cacheArchive } from './archive/cache-archive';

export interface NetworkService {
  settings(): NetworkSettings;
  addNode(node: RemoteNode): NetworkSettings;
  removeNode(name: string): NetworkSettings;
  echo(name: string): Promise<CallResponse<'network.echo'>>;
  find(request: ParsedCallRequest<'network.find'>): Promise<CallResponse<'network.find'>>;
  series(request: ParsedCallRequest<'network.series'>): Promise<CallResponse<'network.series'>>;
  retrieve(request: ParsedCallRequest<'network.retrieve'>): { retrieveId: string };
  cancelRetrieve(retrieveId: string): { cancelled: boolean };
  /** The host that runs the DICOM listener hands it over, so C-MOVE retrieves land in it. */
  attachListener(listener: DicomListener | undefined): void;
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
  let listener: DicomListener | undefined;
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
      const done = retrieve(
        {
          cacheDir,
          ...(options.db ? { db: options.db } : {}),
          settings: current,
          imports: options.imports,
          signal: controller.signal,
          ...(listener ? { listener: async () => listener! } : {}),
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
      running.set(retrieveId, { controller, done: done.finally(() => running.delete(retrieveId)) });
      return { retrieveId };
    },
    cancelRetrieve(retrieveId) {
      const job = running.get(retrieveId);
      job?.controller.abort();
      return { cancelled: job !== undefined };
    },
    attachListener(attached) {
      listener = attached;
    },
    async close() {
      for (const job of running.values()) job.controller.abort();
      await Promise.all([...running.values()].map((job) => job.done));
    },
  };
}
