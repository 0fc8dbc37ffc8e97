import type Database from 'better-sqlite3';
import { ServiceError } from '../../src-shared/contract/errors';
import type {
  DicomTagNode,
  InstanceSummary,
  SeriesSummary,
  StudyDeletion,
  StudyQuery,
  StudySummary,
  Thumbnail,
} from '../../src-shared/domain/studies';
import { serviceConnection } from './cache/database';
import { orderedInstances, seriesExists, studyExists, listSeries } from './cache/series-queries';
import { resolveStoredPath } from './cache/stored-files';
import { deleteStudy } from './cache/study-deletion';
import { instanceFilePath, listStudies, studyPage } from './cache/study-queries';
import { readDataSet } from '../dicom/read-dataset';
import { describeDataSet, readOrUndefined } from '../dicom/tag-values';
import { seriesThumbnail } from './thumbnails/series-thumbnail';

/** What the rest of the app may ask of the study cache. */
export interface StudyService {
  list(query: StudyQuery): StudySummary[];
  /** The list cut at the query's limit and how many studies match in all, read from one snapshot of the cache. */
  page(query: StudyQuery): { studies: StudySummary[]; total: number };
  series(studyInstanceUid: string): SeriesSummary[];
  instances(seriesInstanceUid: string): { orderedBy: 'slice-position' | 'instance-number'; instances: InstanceSummary[] };
  tags(sopInstanceUid: string): { sopInstanceUid: string; transferSyntaxUid: string; tags: DicomTagNode[] };
  thumbnail(seriesInstanceUid: string): Promise<Thumbnail>;
  delete(studyInstanceUid: string): StudyDeletion;
  /** The file to serve for an instance, only for UIDs the cache knows. */
  resolveInstanceFile(sopInstanceUid: string): string | undefined;
  close(): void;
}

export function createStudyService(cacheDir: string, sharedDb?: Database.Database): StudyService {
  const { db, release } = serviceConnection(cacheDir, sharedDb);
  const resolveInstanceFile = (uid: string): string | undefined => {
    const stored = instanceFilePath(db, uid);
    return stored === undefined ? undefined : resolveStoredPath(cacheDir, stored);
  };
  return {
    list: (query) => listStudies(db, query),
    page: (query) => studyPage(db, query),
    series: (studyInstanceUid) => {
      if (!studyExists(db, studyInstanceUid)) throw new ServiceError('not-found', `The cache has no study with UID ${studyInstanceUid}.`);
      return listSeries(db, studyInstanceUid);
    },
    instances: (seriesInstanceUid) => {
      if (!seriesExists(db, seriesInstanceUid)) throw new ServiceError('not-found', `The cache has no series with UID ${seriesInstanceUid}.`);
      const ordered = orderedInstances(db, cacheDir, seriesInstanceUid);
      return { orderedBy: ordered.orderedBy, instances: ordered.instances.map((instance) => instance.summary) };
    },
    tags: (sopInstanceUid) => {
      const filePath = resolveInstanceFile(sopInstanceUid);
      if (filePath === undefined) throw new ServiceError('not-found', `The cache has no instance with UID ${sopInstanceUid}.`);
      const dataSet = readDataSet(filePath, sopInstanceUid);
      try {
        return { sopInstanceUid, transferSyntaxUid: readOrUndefined(() => dataSet.string('x00020010')) ?? '', tags: describeDataSet(dataSet) };
      } catch (error) {
        // A file damaged after import (or in a way parsing let through) is refused with its reason, never as an internal error.
        const reason = error instanceof Error ? error.message : String(error);
        throw new ServiceError('unavailable', `The file of instance ${sopInstanceUid} cannot be described: ${reason.replace(/^dicomParser\.\w+: /, '')}`);
      }
    },
    thumbnail: (seriesInstanceUid) => seriesThumbnail(db, cacheDir, seriesInstanceUid),
    delete: (studyInstanceUid) => deleteStudy(db, cacheDir, studyInstanceUid),
    resolveInstanceFile,
    close: release,
  };
}
