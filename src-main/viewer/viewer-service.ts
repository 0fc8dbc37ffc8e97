import type Database from 'better-sqlite3';
import { ServiceError } from '../../src-shared/contract/errors';
import type { StoredMeasurement, ViewerStudy } from '../../src-shared/contract/viewer';
import type { ViewerObject } from '../../src-shared/contract/viewer-objects';
import type { Segmentation } from '../../src-shared/contract/viewer-segmentation';
import { serviceConnection } from '../studies/cache/database';
import { resolveStoredPath } from '../studies/cache/stored-files';
import { instanceFilePath } from '../studies/cache/study-queries';
import { describeObject } from './object-reader';
import { readSegmentation } from './segmentation-reader';
import { listMeasurements, saveMeasurements, viewerStudy } from './viewer-queries';

/** What the viewer asks of the cache: stacks to show and measurements to keep. */
export interface ViewerService {
  study(studyInstanceUid: string): ViewerStudy;
  /** A report, document or reference object as the viewer shows it, or why an image cannot be shown. */
  object(sopInstanceUid: string): ViewerObject;
  /** A Segmentation read for the overlay: segments, colours, and its non-empty frames' masks. */
  segmentation(sopInstanceUid: string): Promise<Segmentation>;
  measurements(studyInstanceUid: string): StoredMeasurement[];
  saveMeasurements(studyInstanceUid: string, measurements: readonly StoredMeasurement[]): number;
  close(): void;
}

export function createViewerService(cacheDir: string, sharedDb?: Database.Database): ViewerService {
  const { db, release } = serviceConnection(cacheDir, sharedDb);
  const filePathOf = (uid: string): string => {
    const stored = instanceFilePath(db, uid);
    if (stored === undefined) throw new ServiceError('not-found', `The cache has no instance with UID ${uid}.`);
    return resolveStoredPath(cacheDir, stored);
  };
  return {
    study: (uid) => viewerStudy(db, cacheDir, uid),
    object: (uid) => describeObject(filePathOf(uid), uid),
    segmentation: (uid) => readSegmentation(filePathOf(uid), uid),
    measurements: (uid) => listMeasurements(db, uid),
    saveMeasurements: (uid, list) => saveMeasurements(db, uid, list),
    close: release,
  };
}
