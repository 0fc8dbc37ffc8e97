import fs from 'node:fs';
import os from 'node:os';
import type Database from 'better-sqlite3';
import type { ImportFinished, ImportProgress, ImportReport, StorageMode } from '../../../src-shared/domain/imports';
import { openCacheDatabase } from '../cache/database';
import { newStagingFile, removeOrphans } from '../store/file-store';
import { diskShortfallReason } from '../store/free-disk';
import { CacheWriter } from './cache-writer';
import { InstancePlacer, type PreparedInstance } from './place-instance';
import type { PreparedFile } from './prepare/prepare-file';
import { PrepareScheduler } from './prepare/prepare-scheduler';
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
  /** Helper threads that prepare files beside the importing thread; by default one per spare core, for imports of many files. */
  readonly helperThreads?: number;
  /** Test hook: a pause after each file, so a test can kill the process mid-batch. */
  readonly delayPerFileMs?: number;
}

/** Files submitted ahead of the one being placed: enough to keep the helpers busy, few enough to bound zip entries held in memory. */
const submitAhead = 32;
/** Below this many files, starting a helper thread costs more than it saves. */
const minFilesForHelpers = 48;
const maxHelperThreads = 3;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function cleanOrphans(db: Database.Database, cacheDir: string): void {
  const referenced = db.prepare('SELECT 1 FROM instances WHERE file_path = ? UNION ALL SELECT 1 FROM import_conflicts WHERE kept_path = ? LIMIT 1');
  removeOrphans(cacheDir, (file) => referenced.get(file, file) !== undefined);
}

/**
 * Helpers pay for themselves only on cores nobody else is using: each costs its start-up and
 * its own warm-up of the parsing code, which on a busy machine is time taken from the import.
 * So they are started for spare cores only, as the one-minute load average tells them
 * (Windows reports no load average, and gets one helper per core but one).
 */
function helperCount(options: RunImportOptions, files: number): number {
  if (options.helperThreads !== undefined) return options.helperThreads;
  if (files < minFilesForHelpers) return 0;
  const cores = os.availableParallelism();
  const spareCores = Math.floor(cores - os.loadavg()[0]!);
  return Math.max(0, Math.min(maxHelperThreads, cores - 1, spareCores));
}

/** One file on its way: submitted for preparing, its result filled in when it arrives. */
interface Slot {
  result?: PreparedFile;
  readonly done: Promise<PreparedFile>;
}

const unreadable = (error: unknown): PreparedFile => {
  const reason = reasonOf(error);
  return { kind: 'failed', reason: reason.startsWith('refused:') ? reason : `cannot read: ${reason}` };
};

/**
 * An item with no file on disk (a zip entry) is streamed into a staging file first and
 * prepared from there like any file, then the staging file goes: memory holds one file being
 * prepared per thread, never the entries submitted ahead.
 */
function prepareExtracted(item: ImportItem & { extractTo(file: string): Promise<void> }, cacheDir: string, scheduler: PrepareScheduler): Promise<PreparedFile> {
  const staged = newStagingFile(cacheDir, 'entry');
  const removeStaged = () => fs.rmSync(staged, { force: true });
  return item.extractTo(staged).then(
    () => scheduler.submit({ diskPath: staged, storeCopy: true }).finally(removeStaged),
    (error: unknown) => {
      removeStaged();
      return unreadable(error);
    },
  );
}

function submit(item: ImportItem, mode: StorageMode, cacheDir: string, scheduler: PrepareScheduler): Slot {
  const storeCopy = mode === 'copy' || item.diskPath === undefined;
  const done =
    item.diskPath !== undefined
      ? scheduler.submit({ diskPath: item.diskPath, storeCopy })
      : item.extractTo
        ? prepareExtracted({ ...item, extractTo: item.extractTo }, cacheDir, scheduler)
        : item.read().then((bytes) => scheduler.submit({ bytes, storeCopy }), unreadable);
  const slot: Slot = { done };
  void done.then((result) => (slot.result = result));
  return slot;
}

/** What the import will write to the store at most: every file in copy mode, zip entries (always copied) in either mode. */
function bytesToWrite(items: readonly ImportItem[], mode: StorageMode): number {
  let total = 0;
  for (const item of items) {
    if (item.diskPath === undefined) total += item.sizeHint ?? 0;
    else if (mode === 'copy') total += fs.statSync(item.diskPath, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The whole import: list the sources, then prepare files (read, parse, checksum, store)
 * on this thread and its helpers, and place them in the order they were listed, committing
 * rows in batches. Files are always stored before their row is committed. One bad file is
 * one report line; only storage or database trouble stops the import, and what was
 * committed before stays.
 */
export async function runImport(options: RunImportOptions): Promise<ImportFinished> {
  const started = performance.now();
  const report: ImportReport = { files: 0, instances: 0, studies: 0, series: 0, dicomdirs: 0, duplicates: 0, conflicts: [], failed: [], seconds: 0 };
  const studies = new Set<string>();
  const series = new Set<string>();
  const batchSize = options.batchSize ?? 500;
  let status: ImportFinished['status'] = 'completed';
  let message: string | undefined;
  let db: Database.Database | undefined;
  let writer: CacheWriter | undefined;
  let placer: InstancePlacer | undefined;
  let scheduler: PrepareScheduler | undefined;
  let closeSources = () => {};
  /** By item index; a slot is dropped once placed, so a large import does not keep every record. */
  const slots: Array<Slot | undefined> = [];
  let placed = 0;

  const emitProgress = (filesDone: number, filesTotal: number | null, currentPath: string) =>
    options.onProgress?.({ importId: options.importId, filesDone, filesTotal, currentPath });

  const commit = () => {
    if (!writer) return;
    const committed = writer.commit();
    report.instances += committed.instances;
    committed.studyInstanceUids.forEach((uid) => studies.add(uid));
    committed.seriesInstanceUids.forEach((uid) => series.add(uid));
    if (committed.studyInstanceUids.length > 0) options.onStudiesChanged?.(committed.studyInstanceUids);
  };

  try {
    db = openCacheDatabase(options.cacheDir);
    cleanOrphans(db, options.cacheDir);
    writer = new CacheWriter(db);
    placer = new InstancePlacer(options.cacheDir, options.mode, writer, report);

    emitProgress(0, null, options.paths[0] ?? '');
    const collected = await collectItems(options.paths);
    closeSources = collected.close;
    report.failed.push(...collected.failures);
    report.files = collected.failures.length;
    const { items } = collected;
    const shortfall = diskShortfallReason(options.cacheDir, bytesToWrite(items, options.mode));
    if (shortfall !== undefined) throw new Error(shortfall);
    scheduler = new PrepareScheduler(options.cacheDir, helperCount(options, items.length));
    let lastProgress = 0;
    let lastCommit = performance.now();
    for (let index = 0; index < items.length; index += 1) {
      if (options.cancellation?.cancelled) {
        status = 'cancelled';
        break;
      }
      while (slots.length < items.length && slots.length < index + submitAhead) slots.push(submit(items[slots.length]!, options.mode, options.cacheDir, scheduler));
      const item = items[index]!;
      if (index === 0 || performance.now() - lastProgress > 100) {
        emitProgress(index, items.length, item.displayPath);
        lastProgress = performance.now();
      }
      const slot = slots[index]!;
      slots[index] = undefined;
      // While the next result is on its way, prepare a later file here rather than wait.
      while (slot.result === undefined) {
        // Helpers' answers arrive as events, so with helpers the loop lets them in after each file.
        if (scheduler.prepareOneHere()) await (scheduler.helperCount > 0 ? yieldToEvents() : Promise.resolve());
        // Zip entries reach the queue only once read: wake for them too, or nobody would take them.
        else await Promise.race([slot.done, scheduler.nextQueued()]);
      }
      const prepared = slot.result;
      placed = index + 1;
      report.files += 1;
      if (prepared.kind === 'failed') report.failed.push({ path: item.displayPath, reason: prepared.reason });
      else if (prepared.kind === 'store-failed') throw new Error(`cannot write to the cache's store: ${prepared.reason}`);
      else if (prepared.kind === 'instance') await placer.place(item, prepared);
      else report.dicomdirs += 1;
      if (writer.pendingCount >= batchSize || performance.now() - lastCommit > 1000) {
        commit();
        lastCommit = performance.now();
      }
      if (options.delayPerFileMs) await new Promise((resolve) => setTimeout(resolve, options.delayPerFileMs));
    }
    commit();
    emitProgress(report.files - collected.failures.length, items.length, '');
  } catch (error) {
    status = 'failed';
    message = reasonOf(error);
    try {
      // Rows whose files were stored before the failure are still good; keep them.
      commit();
    } catch {
      // the database itself failed; WAL leaves it at the last committed batch
    }
  } finally {
    // Files prepared ahead of a cancel or failure: wait for them (zip reads must end before
    // their archives close), then remove the store copies no row took.
    scheduler?.stop();
    const unplaced = await Promise.all(slots.slice(placed).flatMap((slot) => (slot ? [slot.done] : [])));
    try {
      for (const prepared of unplaced) if (prepared.kind === 'instance') placer?.discardUnused(prepared as PreparedInstance);
    } catch {
      // left to the orphan sweep of a later import
    }
    await scheduler?.close();
    closeSources();
    if (db?.open) db.close();
  }
  report.studies = studies.size;
  report.series = series.size;
  report.seconds = Math.round(performance.now() - started) / 1000;
  return { importId: options.importId, status, report, ...(message !== undefined ? { message } : {}) };
}
