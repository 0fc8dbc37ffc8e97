import type { NetworkSettings, RemoteNode, SendReport } from '../../src-shared/domain/network';
import type Database from 'better-sqlite3';
import { withCacheConnection } from '../studies/cache/database';
import { cStore } from './dimse/dimse-scu';
import { stow } from './dicomweb/dicomweb-client';
import { cachedInstances } from './cached-instances';
import { dimsePeer } from './remote-queries';

/** STOW-RS requests carry this many instances each, bounding what one request holds in memory. */
const stowBatch = 32;

/**
 * Sends a cached study or series to a node: C-STORE over one association for DIMSE, STOW-RS in
 * batches for DICOMweb. Each instance gets its own status; files are sent as stored (a compressed
 * one is offered in its own syntax first, so it is not transcoded when the peer accepts it).
 */
export async function send(
  context: { cacheDir: string; db?: Database.Database; settings: NetworkSettings; onProgress?: (done: number, total: number) => void; signal?: AbortSignal },
  request: { node: RemoteNode; studyInstanceUid?: string; seriesInstanceUid?: string },
): Promise<SendReport> {
  const started = performance.now();
  const instances = withCacheConnection(context.cacheDir, context.db, (db) => cachedInstances(db, context.cacheDir, request), { readonly: true });
  if (instances.length === 0) throw new Error(`the cache holds no instances of ${request.seriesInstanceUid ? `series ${request.seriesInstanceUid}` : `study ${request.studyInstanceUid}`}`);
  const files = instances.map((instance) => ({
    file: instance.file,
    sopInstanceUid: instance.sopInstanceUid,
    sopClassUid: instance.sopClassUid,
    transferSyntaxUid: instance.transferSyntaxUid,
  }));
  const results: SendReport['instances'] = [];
  let message: string | undefined;
  context.onProgress?.(0, files.length);
  try {
    if (request.node.kind === 'dimse') {
      const outcomes = await cStore(dimsePeer(context.settings, request.node), files, {
        onEach: (done) => context.onProgress?.(done, files.length),
        ...(context.signal ? { cancellation: { onCancel: (listener) => context.signal!.addEventListener('abort', listener, { once: true }) } } : {}),
      });
      results.push(...outcomes.map(({ sopInstanceUid, ok, status }) => ({ sopInstanceUid, ok, status })));
    } else {
      for (let start = 0; start < files.length; start += stowBatch) {
        const batch = files.slice(start, start + stowBatch);
        if (context.signal?.aborted) {
          results.push(...batch.map(({ sopInstanceUid }) => ({ sopInstanceUid, ok: false, status: 'cancelled' })));
          continue;
        }
        try {
          results.push(...(await stow(request.node, batch)));
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          results.push(...batch.map(({ sopInstanceUid }) => ({ sopInstanceUid, ok: false, status: reason })));
        }
        context.onProgress?.(results.length, files.length);
      }
    }
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
    results.push(...files.map(({ sopInstanceUid }) => ({ sopInstanceUid, ok: false, status: message! })));
  }
  const sent = results.filter((result) => result.ok).length;
  const status: SendReport['status'] = sent === files.length ? 'completed' : context.signal?.aborted ? 'cancelled' : sent > 0 ? 'partial' : 'failed';
  return { node: request.node.name, status, instances: results, ...(message ? { message } : {}), seconds: Math.round(performance.now() - started) / 1000 };
}
