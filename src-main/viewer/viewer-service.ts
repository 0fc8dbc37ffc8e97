import type Database from 'better-sqlite3';
import type { StoredMeasurement, ViewerStudy } from '../../src-shared/contract/viewer';
import { serviceConnection } from '../studies/cache/database';
import { listMeasurements, saveMeasurements, viewerStudy } from './viewer-queries';

/** What the viewer asks of the cache: stacks to show and measurements to keep. */
export interface ViewerService {
  study(studyInstanceUid: string): ViewerStudy;
  measurements(studyInstanceUid: string): StoredMeasurement[];
  saveMeasurements(studyInstanceUid: string, measurements: readonly StoredMeasurement[]): number;
  close(): void;
}

export function createViewerService(cacheDir: string, sharedDb?: Database.Database): ViewerService {
  const { db, release } = serviceConnection(cacheDir, sharedDb);
  return {
    study: (uid) => viewerStudy(db, cacheDir, uid),
    measurements: (uid) => listMeasurements(db, uid),
    saveMeasurements: (uid, list) => saveMeasurements(db, uid, list),
    close: release,
  };
}
