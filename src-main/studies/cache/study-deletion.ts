import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ServiceError } from '../../../src-shared/contract/errors';
import type { StudyDeletion } from '../../../src-shared/domain/studies';
import { isInside, resolveStoredPath } from './stored-files';

interface StoredFileRow {
  file_path: string;
  storage_mode: 'copy' | 'link';
}

/** Removes now-empty store folders up to (never including) the cache folder. */
function pruneEmptyFolders(cacheDir: string, startFolder: string): void {
  let folder = startFolder;
  while (isInside(cacheDir, folder)) {
    try {
      fs.rmdirSync(folder);
    } catch {
      return; // not empty, or already gone: either way, stop climbing
    }
    folder = path.dirname(folder);
  }
}

/**
 * Deletes a study's rows in one transaction, then its managed copies. Rows go first so
 * the cache never points at a file it has just removed; a file that cannot be removed
 * afterwards is only wasted space. Linked originals belong to the user and are never
 * touched, and neither is any "copy" that somehow lies outside the cache folder.
 */
export function deleteStudy(db: Database.Database, cacheDir: string, studyInstanceUid: string): StudyDeletion {
  const files = db
    .prepare(
      `SELECT i.file_path, i.storage_mode FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid
        WHERE s.study_instance_uid = ?`,
    )
    .all(studyInstanceUid) as StoredFileRow[];
  const counts = db
    .prepare(
      `SELECT (SELECT count(*) FROM series WHERE study_instance_uid = @uid) AS series,
              (SELECT 1 FROM studies WHERE study_instance_uid = @uid) AS found`,
    )
    .get({ uid: studyInstanceUid }) as { series: number; found: number | null };
  if (counts.found === null) throw new ServiceError('not-found', `The cache has no study with UID ${studyInstanceUid}.`);

  db.transaction(() => {
    const patient = db.prepare('SELECT patient_ref FROM studies WHERE study_instance_uid = ?').get(studyInstanceUid) as { patient_ref: number };
    db.prepare('DELETE FROM instances WHERE series_instance_uid IN (SELECT series_instance_uid FROM series WHERE study_instance_uid = ?)').run(studyInstanceUid);
    db.prepare('DELETE FROM series WHERE study_instance_uid = ?').run(studyInstanceUid);
    db.prepare('DELETE FROM study_search WHERE rowid = (SELECT search_rowid FROM studies WHERE study_instance_uid = ?)').run(studyInstanceUid);
    db.prepare('DELETE FROM studies WHERE study_instance_uid = ?').run(studyInstanceUid);
    db.prepare('DELETE FROM patients WHERE id = ? AND NOT EXISTS (SELECT 1 FROM studies WHERE patient_ref = ?)').run(patient.patient_ref, patient.patient_ref);
  })();

  const stillReferenced = db.prepare('SELECT 1 FROM instances WHERE file_path = ? LIMIT 1');
  let removedFiles = 0;
  let keptLinkedFiles = 0;
  for (const file of files) {
    const fullPath = resolveStoredPath(cacheDir, file.file_path);
    if (file.storage_mode !== 'copy' || !isInside(cacheDir, fullPath) || stillReferenced.get(file.file_path) !== undefined) {
      keptLinkedFiles += 1;
      continue;
    }
    try {
      fs.unlinkSync(fullPath);
      removedFiles += 1;
      pruneEmptyFolders(cacheDir, path.dirname(fullPath));
    } catch (error) {
      // Already gone is what we wanted; anything else is logged, not fatal: the rows are gone.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') console.error(`[radstation] could not remove ${fullPath}:`, error);
    }
  }
  return { studyInstanceUid, series: counts.series, instances: files.length, removedFiles, keptLinkedFiles };
}
