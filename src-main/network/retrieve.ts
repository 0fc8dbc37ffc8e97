import type { NetworkSettings, RemoteNode, RetrieveMethod, RetrieveReport } from '../../src-shared/domain/network';
import type Database from 'better-sqlite3';
import { withCacheConnection } from '../studies/cache/database';
import type { ImportService } from '../studies/import/import-service';
import { NetworkError } from './dimse/association';
import { cGet, cMove, type Cancellation, type RetrieveKeys } from './dimse/dimse-scu';
import { wadoRetrieve } from './dicomweb/dicomweb-client';
import type { RemoteInstance } from './query-results';
import { ReceivedImporter, stagingDir } from './received-import';
import { dimsePeer, listInstances } from './remote-queries';
import type { DicomListener } from './scp/dicom-listener';

export interface RetrieveRequest {
  node: RemoteNode;
  studyInstanceUid: string;
  seriesInstanceUid?: string;
  method?: RetrieveMethod;
}

export interface RetrieveContext {
  cacheDir: string;
  /** The main thread's shared cache connection; alone (the CLI), a connection is opened per lookup. */
  db?: Database.Database;
  settings: NetworkSettings;
  imports: ImportService;
  /** For C-MOVE: our running storage SCP, which the archive sends to (as settings.localAet). */
  listener?: () => Promise<DicomListener>;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export function defaultMethod(node: RemoteNode): RetrieveMethod {
  return node.kind === 'dicomweb' ? 'wado' : 'move';
}

/** Which of these SOP Instance UIDs the cache holds now. */
export function cachedInstanceUids(cacheDir: string, uids: readonly string[], shared?: Database.Database): Set<string> {
  return withCacheConnection(cacheDir, shared, (db) => {
    const present = new Set<string>();
    const lookup = db.prepare('SELECT 1 FROM instances WHERE sop_instance_uid = ?').pluck();
    for (const uid of uids) if (lookup.get(uid) !== undefined) present.add(uid);
    return present;
  });
}

/** What to ask for: whole series where none of it is cached, otherwise the missing instances by UID. */
function requestsFor(studyInstanceUid: string, expected: readonly RemoteInstance[], missing: ReadonlySet<string>): RetrieveKeys[] {
  const bySeries = new Map<string, RemoteInstance[]>();
  for (const instance of expected) bySeries.set(instance.seriesInstanceUid, [...(bySeries.get(instance.seriesInstanceUid) ?? []), instance]);
  const keys: RetrieveKeys[] = [];
  for (const [seriesInstanceUid, instances] of bySeries) {
    const wanted = instances.filter((instance) => missing.has(instance.sopInstanceUid)).map((instance) => instance.sopInstanceUid);
    if (wanted.length === 0) continue;
    if (wanted.length === instances.length) keys.push({ studyInstanceUid, seriesInstanceUid });
    else keys.push({ studyInstanceUid, seriesInstanceUid, sopInstanceUids: wanted });
  }
  return keys;
}

function cancellationOf(signal: AbortSignal | undefined): Cancellation | undefined {
  if (!signal) return undefined;
  return { onCancel: (listener) => (signal.aborted ? listener() : signal.addEventListener('abort', listener, { once: true })) };
}

function wadoResources(keys: RetrieveKeys): string[] {
  const series = `studies/${encodeURIComponent(keys.studyInstanceUid)}/series/${encodeURIComponent(keys.seriesInstanceUid ?? '')}`;
  if (keys.sopInstanceUids) return keys.sopInstanceUids.map((uid) => `${series}/instances/${encodeURIComponent(uid)}`);
  return [series];
}

/**
 * Retrieves a study or a series into the cache by C-MOVE, C-GET or WADO-RS. The archive's own
 * listing (C-FIND / QIDO at image level) is the reference: instances already cached are not
 * fetched again, every received one goes through the import service, and the report says which
 * are still missing, so running it again after a failure fetches only the rest.
 */
export async function retrieve(context: RetrieveContext, request: RetrieveRequest): Promise<RetrieveReport> {
  const started = performance.now();
  const { node, studyInstanceUid, seriesInstanceUid } = request;
  const method = request.method ?? defaultMethod(node);
  if ((method === 'wado') !== (node.kind === 'dicomweb')) {
    throw new NetworkError('protocol', `${node.name} is a ${node.kind === 'dimse' ? 'DIMSE' : 'DICOMweb'} node: retrieve it ${node.kind === 'dimse' ? 'with --via move or get' : 'with --via wado'}`);
  }
  const expected = await listInstances(context.settings, node, studyInstanceUid, seriesInstanceUid);
  const expectedUids = expected.map((instance) => instance.sopInstanceUid);
  const before = cachedInstanceUids(context.cacheDir, expectedUids, context.db);
  const missingBefore = new Set(expectedUids.filter((uid) => !before.has(uid)));
  const total = missingBefore.size;
  let received = 0;
  const progress = (done: number) => context.onProgress?.(Math.min(done, total), total);
  let failure: unknown;
  let importer: ReceivedImporter | undefined;

  if (total > 0) {
    progress(0);
    const keys = requestsFor(studyInstanceUid, expected, missingBefore);
    const cancellation = cancellationOf(context.signal);
    try {
      if (method === 'move') {
        if (!context.listener) throw new Error('C-MOVE needs Radstation’s storage SCP running');
        const listener = await context.listener();
        importer = listener.importer;
        let completedBefore = 0;
        for (const key of keys) {
          if (context.signal?.aborted) break;
          const outcome = await cMove(dimsePeer(context.settings, node as Extract<RemoteNode, { kind: 'dimse' }>), context.settings.localAet, key, {
            onProgress: (sub) => progress(completedBefore + sub.completed + sub.warnings),
            ...(cancellation ? { cancellation } : {}),
          });
          completedBefore += outcome.completed + outcome.warnings;
          if (outcome.status !== 0 && outcome.status !== 0xfe00 && outcome.completed + outcome.warnings === 0 && outcome.failed > 0) {
            throw new NetworkError('protocol', `${node.name} could not send the instances to ${context.settings.localAet} (is our AE title configured there with the right port?)`);
          }
        }
      } else {
        importer = new ReceivedImporter(context.imports);
        const staging = stagingDir(context.cacheDir);
        const take = (file: string) => {
          importer!.add(file);
          received += 1;
          progress(received);
        };
        for (const key of keys) {
          if (context.signal?.aborted) break;
          if (method === 'get') {
            const classes = [...new Set(expected.map((instance) => instance.sopClassUid).filter((uid) => uid !== ''))];
            await cGet(
              dimsePeer(context.settings, node as Extract<RemoteNode, { kind: 'dimse' }>),
              key,
              classes,
              staging,
              (staged) => {
                if ('path' in staged) take(staged.path);
                return 'path' in staged;
              },
              cancellation ? { cancellation } : {},
            );
          } else {
            for (const resource of wadoResources(key)) {
              if (context.signal?.aborted) break;
              await wadoRetrieve(node as Extract<RemoteNode, { kind: 'dicomweb' }>, resource, staging, take, context.signal);
            }
          }
        }
      }
    } catch (error) {
      failure = error;
    }
    // Whatever arrived complete is imported, failure or not.
    await importer?.drain();
  }

  const after = cachedInstanceUids(context.cacheDir, expectedUids, context.db);
  const missing = expectedUids.filter((uid) => !after.has(uid));
  const retrieved = [...missingBefore].filter((uid) => after.has(uid)).length;
  progress(retrieved);
  const cancelled = context.signal?.aborted === true;
  const status: RetrieveReport['status'] = missing.length === 0 ? 'completed' : cancelled ? 'cancelled' : retrieved > 0 ? 'partial' : 'failed';
  const totals = importer && method !== 'move' ? importer.totals : undefined;
  const message =
    failure !== undefined
      ? failure instanceof Error
        ? failure.message
        : String(failure)
      : missing.length > 0 && !cancelled
        ? `${missing.length} instances did not arrive`
        : undefined;
  return {
    node: node.name,
    method,
    studyInstanceUid,
    ...(seriesInstanceUid ? { seriesInstanceUid } : {}),
    status,
    expected: expectedUids.length,
    alreadyCached: before.size,
    retrieved,
    missing,
    conflicts: totals?.conflicts ?? 0,
    failed: totals?.failed ?? [],
    ...(message !== undefined ? { message } : {}),
    seconds: Math.round(performance.now() - started) / 1000,
  };
}
