import type Database from 'better-sqlite3';
import { openCacheDatabase } from '../studies/cache/database';

/**
 * The de-identified mark of studies in the cache: columns of the studies table (schema version 7),
 * set when Radstation puts a de-identified copy into the cache. The cacheDir forms open the
 * cache for one call, for callers that hold no connection (the CLI).
 */

/** A de-identified study that was put in the cache, with how it was made. */
export interface DeidentifiedStudyRecord {
  project: string;
  options: string[];
  at: string;
}

interface MarkRow {
  study_instance_uid: string;
  deidentified_at: string;
  deidentified_project: string | null;
  deidentified_options: string;
}

export function markDeidentifiedInCache(db: Database.Database, studyInstanceUids: readonly string[], record: DeidentifiedStudyRecord): void {
  const mark = db.prepare('UPDATE studies SET deidentified_at = ?, deidentified_project = ?, deidentified_options = ? WHERE study_instance_uid = ?');
  db.transaction(() => {
    for (const uid of studyInstanceUids) mark.run(record.at, record.project, record.options.join(','), uid);
  })();
}

/** True for a study the cache holds as de-identified: reports and exports must not name anyone for it. */
export function isDeidentifiedInCache(db: Database.Database, studyInstanceUid: string): boolean {
  return db.prepare('SELECT 1 FROM studies WHERE study_instance_uid = ? AND deidentified_at IS NOT NULL').get(studyInstanceUid) !== undefined;
}

export function deidentifiedStudiesInCache(db: Database.Database): Record<string, DeidentifiedStudyRecord> {
  const rows = db.prepare('SELECT study_instance_uid, deidentified_at, deidentified_project, deidentified_options FROM studies WHERE deidentified_at IS NOT NULL').all() as MarkRow[];
  return Object.fromEntries(
    rows.map((row) => [row.study_instance_uid, { project: row.deidentified_project ?? '', options: row.deidentified_options.split(',').filter(Boolean), at: row.deidentified_at }]),
  );
}

function withCache<T>(cacheDir: string, use: (db: Database.Database) => T): T {
  const db = openCacheDatabase(cacheDir);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

export function readDeidentifiedStudies(cacheDir: string): Record<string, DeidentifiedStudyRecord> {
  return withCache(cacheDir, deidentifiedStudiesInCache);
}

export function isDeidentifiedStudy(cacheDir: string, studyInstanceUid: string): boolean {
  return withCache(cacheDir, (db) => isDeidentifiedInCache(db, studyInstanceUid));
}

export function markDeidentifiedStudies(cacheDir: string, studyInstanceUids: readonly string[], record: DeidentifiedStudyRecord): void {
  withCache(cacheDir, (db) => markDeidentifiedInCache(db, studyInstanceUids, record));
}
