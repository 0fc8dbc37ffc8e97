import fs from 'node:fs';
import type Database from 'better-sqlite3';

export interface MissingInstanceFile {
  readonly sopInstanceUid: string;
  readonly filePath: string;
  readonly storageMode: 'copy' | 'link';
}

/**
 * Linked instances reference files in place (a CD, a network share); those files can
 * vanish after import. The query side asks here before serving or listing them.
 */
export function isInstanceFileMissing(db: Database.Database, sopInstanceUid: string): boolean {
  const row = db.prepare('SELECT file_path FROM instances WHERE sop_instance_uid = ?').get(sopInstanceUid) as { file_path: string } | undefined;
  return row === undefined || !fs.existsSync(row.file_path);
}

/** Every instance whose file is gone, optionally only within one study. */
export function findMissingInstanceFiles(db: Database.Database, studyInstanceUid?: string): MissingInstanceFile[] {
  const rows = (
    studyInstanceUid === undefined
      ? db.prepare('SELECT sop_instance_uid, file_path, storage_mode FROM instances').all()
      : db
          .prepare(
            `SELECT i.sop_instance_uid, i.file_path, i.storage_mode FROM instances i
               JOIN series s ON s.series_instance_uid = i.series_instance_uid WHERE s.study_instance_uid = ?`,
          )
          .all(studyInstanceUid)
  ) as { sop_instance_uid: string; file_path: string; storage_mode: 'copy' | 'link' }[];
  return rows
    .filter((row) => !fs.existsSync(row.file_path))
    .map((row) => ({ sopInstanceUid: row.sop_instance_uid, filePath: row.file_path, storageMode: row.storage_mode }));
}
