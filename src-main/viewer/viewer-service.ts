import type Database from 'better-sqlite3';
import type { StoredMeasurement, ViewerStudy } from '../../src-shared/contract/viewer';
import { openCacheDatabase } from '../studies/cache/database';
import { listMeasurements, saveMeasurements, viewerStudy } from './viewer-queries';

/** What the viewer asks of the cache: stacks to show and measurements to keep. */
export interface ViewerService {
  study(studyInstanceUid: string): ViewerStudy;
  measurements(studyInstanceUid: string): StoredMeasurement[];
  saveMeasurements(studyInstanceUid: string, measurements: readonly StoredMeasurement[]): number;
  close(): void;
}

export function createViewerService(cacheDir: string): ViewerService {
  // Its own connection: WAL lets it read while an import writes through another.
  const db: Database.Database = openCacheDatabase(cacheDir);
  return {
    study: (uid) => viewerStudy(db, cacheDir, uid),
    measurements: (uid) => listMeasurements(db, uid),
    saveMeasurements: (uid, list) => saveMeasurements(db, uid, list),
    close: () => db.close(),
  };
}
