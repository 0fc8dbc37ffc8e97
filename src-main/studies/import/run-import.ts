import type Database from 'better-sqlite3';
import type { ImportFinished, ImportProgress, ImportReport, StorageMode } from '../../../src-shared/domain/imports';
import { openCacheDatabase } from '../cache/database';
import { conflictsFolderName, putContent, removeOrphans } from '../store/file-store';
import { CacheWriter } from './cache-writer';
import { prepareItem, type PreparedItem } from './prepare-item';
import { collectItems } from './sources/collect-items';
import type { ImportItem } from './sources/import-item';

export interface RunImportOptions {
  readonly importId: string;
  readonly cacheDir: string;
  readonly paths: readonly string[];
  readonly mode: StorageMode;
  /** Checked between files; setting it stops the import after committing what is done. */
  readonly cancellation?: { cancelled: boolean };
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Called after each commit that added instances, with the studies that received them. */
  readonly onStudiesChanged?: (studyInstanceUids: string[]) => void;
  /** Files per transaction; more is faster, fewer loses less to a crash. */
  readonly batchSize?: number;
  /** Test hook: a pause after each file, so a test can kill the process mid-batch. */
  readonly delayPerFileMs?: number;
}

/** Files read and parsed ahead of the one being stored, and store writes in flight: I/O overlaps parsing. */
const readAhead = 8;
const maxWritesInFlight = 8;

const conflictReason = 'the cache already holds this SOP Instance UID with different content; the cached instance was kept and this file set aside';

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function cleanOrphans(db: Database.Database, cacheDir: string): void {
  const referenced = db.prepare('SELECT 1 FROM instances WHERE file_path = ? UNION ALL SELECT 1 FROM import_conflicts WHERE kept_path = ? LIMIT 1');
  removeOrphans(cacheDir, (file) => referenced.get(file, file) !== undefined);
}

/**
 * The whole import: list the sources, then per file read, parse, checksum, store and
 * queue its row, committing in batches. Files are always stored before their row is
 * committed. One bad file is one report line; only storage or database trouble stops
 * the import, and what was committed before stays.
 */
export async function runImport(options: RunImportOptions): Promise<ImportFinished> {
  const started = performance.now();
  const report: ImportReport = { files: 0, instances: 0, studies: 0, series: 0, duplicates: 0, conflicts: [], failed: [], seconds: 0 };
  const studies = new Set<string>();
  const series = new Set<string>();
  const batchSize = options.batchSize ?? 200;
  let status: ImportFinished['status'] = 'completed';
  let message: string | undefined;
  let db: Database.Database | undefined;
  let writer: CacheWriter | undefined;
  let closeSources = () => {};
  const writes = new Set<Promise<void>>();
  let storageError: unknown;
  const ahead: Array<Promise<PreparedItem>> = [];

  const emitProgress = (filesDone: number, filesTotal: number | null, currentPath: string) =>
    options.onProgress?.({ importId: options.importId, filesDone, filesTotal, currentPath });

  const settleWrites = async () => {
    await Promise.all(writes);
    if (storageError !== undefined) throw new Error(`cannot write to the cache's store: ${reasonOf(storageError)}`);
  };
  const commit = () => {
    if (!writer) return;
    const committed = writer.commit();
    report.instances += committed.instances;
    committed.studyInstanceUids.forEach((uid) => studies.add(uid));
    committed.seriesInstanceUids.forEach((uid) => series.add(uid));
    if (committed.studyInstanceUids.length > 0) options.onStudiesChanged?.(committed.studyInstanceUids);
  };

  const store = async (item: ImportItem, prepared: Extract<PreparedItem, { kind: 'instance' }>, target: CacheWriter) => {
    const { record, bytes, sha256 } = prepared;
    const uid = record.instance.sopInstanceUid;
    const known = target.knownSha256(uid);
    if (known === sha256) {
      report.duplicates += 1;
      return;
    }
    if (known !== undefined) {
      const keptPath = await putContent(options.cacheDir, bytes, sha256, conflictsFolderName).catch((error: unknown) => {
        throw new Error(`cannot set a conflicting file aside: ${reasonOf(error)}`);
      });
      target.addConflict({ sopInstanceUid: uid, sourcePath: item.displayPath, keptPath, size: bytes.length, sha256, cachedSha256: known });
      report.conflicts.push({ path: item.displayPath, sopInstanceUid: uid, reason: conflictReason });
      return;
    }
    // Zip entries have no place on disk to link to, so they are always copied.
    if (options.mode === 'link' && item.diskPath !== undefined) {
      target.add(record, { filePath: item.diskPath, storageMode: 'link', size: bytes.length, sha256 });
      return;
    }
    target.reserve(uid, sha256);
    const write: Promise<void> = putContent(options.cacheDir, bytes, sha256)
      .then((filePath) => target.add(record, { filePath, storageMode: 'copy', size: bytes.length, sha256 }))
      .catch((error: unknown) => {
        storageError ??= error;
      })
      .finally(() => writes.delete(write));
    writes.add(write);
    if (writes.size >= maxWritesInFlight) await Promise.race(writes);
  };

  try {
    db = openCacheDatabase(options.cacheDir);
    cleanOrphans(db, options.cacheDir);
    writer = new CacheWriter(db);

    emitProgress(0, null, options.paths[0] ?? '');
    const collected = await collectItems(options.paths);
    closeSources = collected.close;
    report.failed.push(...collected.failures);
    report.files = collected.failures.length;
    const { items } = collected;
    let nextToPrepare = 0;
    let lastProgress = 0;
    let lastCommit = performance.now();
    for (let index = 0; index < items.length; index += 1) {
      if (options.cancellation?.cancelled) {
        status = 'cancelled';
        break;
      }
      while (nextToPrepare < items.length && ahead.length < readAhead) ahead.push(prepareItem(items[nextToPrepare++]!));
      const item = items[index]!;
      if (index === 0 || performance.now() - lastProgress > 50) {
        emitProgress(index, items.length, item.displayPath);
        lastProgress = performance.now();
      }
      const prepared = await ahead.shift()!;
      report.files += 1;
      if (prepared.kind === 'failed') report.failed.push({ path: item.displayPath, reason: prepared.reason });
      else if (prepared.kind === 'instance') await store(item, prepared, writer);
      if (storageError !== undefined) await settleWrites();
      if (writer.pendingCount + writes.size >= batchSize || performance.now() - lastCommit > 1000) {
        await settleWrites();
        commit();
        lastCommit = performance.now();
      }
      if (options.delayPerFileMs) await new Promise((resolve) => setTimeout(resolve, options.delayPerFileMs));
    }
    await settleWrites();
    commit();
    emitProgress(report.files - collected.failures.length, items.length, '');
  } catch (error) {
    status = 'failed';
    message = reasonOf(error);
    try {
      // Rows whose files were stored before the failure are still good; keep them.
      await Promise.all(writes);
      commit();
    } catch {
      // the database itself failed; WAL leaves it at the last committed batch
    }
  } finally {
    // Reads started ahead must end before their sources (open zips) close.
    await Promise.allSettled(ahead);
    closeSources();
    if (db?.open) db.close();
  }
  report.studies = studies.size;
  report.series = series.size;
  report.seconds = Math.round(performance.now() - started) / 1000;
  return { importId: options.importId, status, report, ...(message !== undefined ? { message } : {}) };
}
