/**
 * One fuzz batch: write mutants and special files into a folder, import it, then check what
 * the import left: every file accounted for, a sound database, and every imported
 * instance's tags readable or refused with a reason (never a crash, never a reply that
 * cannot be serialised). Shared by the test suite's short run and `npm run fuzz:import`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ServiceError } from '../../src-shared/contract/errors';
import type { ImportReport } from '../../src-shared/domain/imports';
import { databaseFileName } from '../../src-main/studies/cache/database';
import { createStudyService } from '../../src-main/studies/study-service';
import { makeSpecialFiles, mutants, type MutationKind, type SpecialFiles } from './mutants';

export interface WrittenBatch {
  readonly folder: string;
  /** Files the import must account for: mutants plus special files. */
  readonly files: number;
  readonly byKind: Partial<Record<MutationKind, number>>;
  readonly specials: SpecialFiles;
}

export async function writeBatch(folder: string, bases: readonly string[], count: number, seed: number): Promise<WrittenBatch> {
  fs.mkdirSync(folder, { recursive: true });
  const byKind: Partial<Record<MutationKind, number>> = {};
  let index = 0;
  for (const mutant of mutants(bases, count, seed)) {
    byKind[mutant.kind] = (byKind[mutant.kind] ?? 0) + 1;
    fs.writeFileSync(path.join(folder, `${String(index).padStart(5, '0')}-${mutant.kind}.dcm`), mutant.bytes);
    index += 1;
  }
  const specials = await makeSpecialFiles(folder);
  return { folder, files: count + specials.count, byKind, specials };
}

export interface BatchCheck {
  /** Everything that is wrong; empty for a batch that passed. */
  readonly problems: string[];
  readonly tagsRead: number;
  readonly tagsRefused: number;
  /** Series thumbnails made, and those answered "unavailable" with a reason. */
  readonly thumbnailsMade: number;
  readonly thumbnailsUnavailable: number;
}

/** Checks a finished import of a batch (see the file comment), thumbnails included: they decode pixels. */
export async function checkBatch(cacheDir: string, report: ImportReport, batch: WrittenBatch): Promise<BatchCheck> {
  const problems: string[] = [];
  const categorised = report.instances + report.duplicates + report.conflicts.length + report.failed.length + report.dicomdirs;
  if (report.files !== batch.files) problems.push(`the report counts ${report.files} files, the batch has ${batch.files}`);
  if (categorised !== report.files) problems.push(`files ${report.files} but categories sum to ${categorised}`);
  if (report.failed.some((failure) => failure.reason.trim().length === 0)) problems.push('a failure without a reason');

  const db = new Database(path.join(cacheDir, databaseFileName), { readonly: true });
  let uids: string[];
  let seriesUids: string[];
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    uids = (db.prepare('SELECT sop_instance_uid FROM instances').all() as Array<{ sop_instance_uid: string }>).map((row) => row.sop_instance_uid);
    seriesUids = (db.prepare('SELECT series_instance_uid FROM series').all() as Array<{ series_instance_uid: string }>).map((row) => row.series_instance_uid);
  } finally {
    db.close();
  }

  let tagsRead = 0;
  let tagsRefused = 0;
  let thumbnailsMade = 0;
  let thumbnailsUnavailable = 0;
  const studies = createStudyService(cacheDir);
  try {
    for (const uid of uids) {
      try {
        JSON.stringify(studies.tags(uid));
        tagsRead += 1;
      } catch (error) {
        if (error instanceof ServiceError) tagsRefused += 1;
        else problems.push(`studies.tags(${uid}) threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
    }
    for (const uid of seriesUids) {
      try {
        const thumbnail = await studies.thumbnail(uid);
        if (thumbnail.status === 'ready') thumbnailsMade += 1;
        else thumbnailsUnavailable += 1;
      } catch (error) {
        if (error instanceof ServiceError) thumbnailsUnavailable += 1;
        else problems.push(`studies.thumbnail(${uid}) threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
    }
  } finally {
    studies.close();
  }
  return { problems, tagsRead, tagsRefused, thumbnailsMade, thumbnailsUnavailable };
}

/** The most common failure reasons, numbers and UIDs blurred so that alike reasons group together. */
export function reasonHistogram(reports: readonly ImportReport[], top = 12): Array<{ reason: string; count: number }> {
  const counts = new Map<string, number>();
  for (const report of reports) {
    for (const failure of report.failed) {
      const reason = failure.reason.replace(/\d+(\.\d+)*/g, 'N').slice(0, 120);
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([reason, count]) => ({ reason, count }));
}
