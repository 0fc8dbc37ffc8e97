import type Database from 'better-sqlite3';
import type { StudyQuery, StudySummary } from '../../src-shared/domain/studies';
import { openCacheDatabase } from './cache/database';
import { instanceFilePath, listStudies } from './cache/study-queries';

/** What the rest of the app may ask of the study cache. */
export interface StudyService {
  list(query: StudyQuery): StudySummary[];
  /** The file to serve for an instance, only for UIDs the cache knows. */
  resolveInstanceFile(sopInstanceUid: string): string | undefined;
  close(): void;
}

export function createStudyService(cacheDir: string): StudyService {
  const db: Database.Database = openCacheDatabase(cacheDir);
  return {
    list: (query) => listStudies(db, query),
    resolveInstanceFile: (uid) => instanceFilePath(db, uid),
    close: () => db.close(),
  };
}
