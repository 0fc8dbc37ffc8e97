import type Database from 'better-sqlite3';
import type { ImportFinished, ImportProgress, ImportReport, StorageMode } from '../../../src-shared/domain/imports';
import { openCacheDatabase } from '../cache/database';
import { putContent, removeOrphans, sha256Hex, conflictsFolderName } from '../store/file-store';
import { CacheWriter } from './cache-writer';
import { extractInstance } from './parse/extract-instance';
import { NotDicomError, isMediaDirectory, readDicomFile } from './parse/read-dataset';
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

type Outcome =
  | { kind: 'failed'; reason: string }
  | { kind: 'directory' }
  | { kind: 'duplicate' }
  | { kind: 'conflict'; sopInstanceUid: string }
  | { kind: 'queued' };

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Storage trouble (disk full, cache unwritable) stops the import: every later file would fail the same way. */
class StorageError extends Error {}

async function importOne(item: ImportItem, options: RunImportOptions, writer: CacheWriter): Promise<Outcome> {
  let bytes: Buffer;
  try {
    bytes = await item.read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { kind: 'failed', reason: code === 'ENOENT' ? 'the file vanished before it could be read' : `cannot read: ${reasonOf(error)}` };
  }
  let record;
  try {
    if (isMediaDirectory(bytes)) return { kind: 'directory' };
    record = extractInstance(readDicomFile(bytes));
  } catch (error) {
    if (error instanceof NotDicomError) return { kind: 'failed', reason: error.message };
    return { kind: 'failed', reason: `cannot be parsed: ${reasonOf(error)}` };
  }
  const sha256 = sha256Hex(bytes);
  const uid = record.instance.sopInstanceUid;
  const known = writer.knownSha256(uid);
  try {
    if (known === sha256) return { kind: 'duplicate' };
    if (known !== undefined) {
      const keptPath = await putContent(options.cacheDir, bytes, sha256, conflictsFolderName);
      writer.addConflict({ sopInstanceUid: uid, sourcePath: item.displayPath, keptPath, size: bytes.length, sha256, cachedSha256: known });
      return { kind: 'conflict', sopInstanceUid: uid };
    }
    // Zip entries have no place on disk to link to, so they are always copied.
    const linkable = options.mode === 'link' && item.diskPath !== undefined;
    const filePath = linkable ? item.diskPath! : await putContent(options.cacheDir, bytes, sha256);
    writer.add(record, { filePath, storageMode: linkable ? 'link' : 'copy', size: bytes.length, sha256 });
    return { kind: 'queued' };
  } catch (error) {
    throw new StorageError(`cannot write to the cache's store: ${reasonOf(error)}`);
  }
}

function cleanOrphans(db: Database.Database, cacheDir: string): void {
  const referenced = db.prepare('SELECT 1 FROM instances WHERE file_path = ? UNION ALL SELECT 1 FROM import_conflicts WHERE kept_path = ? LIMIT 1');
  removeOrphans(cacheDir, (file) => referenced.get(file, file) !== undefined);
}

/**
 * The whole import: list the sources, then per file read, parse, checksum, store and
 * queue its row, committing in batches. One bad file is one report line; only storage
 * or database trouble stops the import, and what was committed before stays.
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
  let closeSources = () => {};
  let commitPending = () => {};

  const emitProgress = (filesDone: number, filesTotal: number | null, currentPath: string) =>
    options.onProgress?.({ importId: options.importId, filesDone, filesTotal, currentPath });

  try {
    db = openCacheDatabase(options.cacheDir);
    cleanOrphans(db, options.cacheDir);
    const writer = new CacheWriter(db);
    const commit = () => {
      const committed = writer.commit();
      report.instances += committed.instances;
      committed.studyInstanceUids.forEach((uid) => studies.add(uid));
      committed.seriesInstanceUids.forEach((uid) => series.add(uid));
      if (committed.studyInstanceUids.length > 0) options.onStudiesChanged?.(committed.studyInstanceUids);
    };
    commitPending = commit;

    emitProgress(0, null, options.paths[0] ?? '');
    const collected = await collectItems(options.paths);
    closeSources = collected.close;
    report.failed.push(...collected.failures);
    const total = collected.items.length;
    report.files = collected.failures.length;
    let lastProgress = 0;
    let lastCommit = performance.now();
    for (const [index, item] of collected.items.entries()) {
      if (options.cancellation?.cancelled) {
        status = 'cancelled';
        break;
      }
      const now = performance.now();
      if (now - lastProgress > 50 || index === 0) {
        emitProgress(index, total, item.displayPath);
        lastProgress = now;
      }
      const outcome = await importOne(item, options, writer);
      report.files += 1;
      if (outcome.kind === 'failed') report.failed.push({ path: item.displayPath, reason: outcome.reason });
      else if (outcome.kind === 'duplicate') report.duplicates += 1;
      else if (outcome.kind === 'conflict') {
        report.conflicts.push({
          path: item.displayPath,
          sopInstanceUid: outcome.sopInstanceUid,
          reason: 'the cache already holds this SOP Instance UID with different content; the cached instance was kept and this file set aside',
        });
      }
      if (writer.pendingCount >= batchSize || (writer.pendingCount > 0 && performance.now() - lastCommit > 1000)) {
        commit();
        lastCommit = performance.now();
      }
      if (options.delayPerFileMs) await new Promise((resolve) => setTimeout(resolve, options.delayPerFileMs));
    }
    commit();
    emitProgress(report.files - collected.failures.length, total, '');
  } catch (error) {
    status = 'failed';
    message = reasonOf(error);
    try {
      // Rows whose files were stored before the failure are still good; keep them.
      commitPending();
    } catch {
      // the database itself failed; WAL leaves it at the last committed batch
    }
  } finally {
    closeSources();
    if (db?.open) db.close();
  }
  report.studies = studies.size;
  report.series = series.size;
  report.seconds = Math.round(performance.now() - started) / 1000;
  return { importId: options.importId, status, report, ...(message !== undefined ? { message } : {}) };
}
