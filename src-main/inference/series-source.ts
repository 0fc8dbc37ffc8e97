import type Database from 'better-sqlite3';
import { instanceFilePath } from '../studies/cache/study-queries';
import { orderStoredInstances } from '../studies/cache/series-queries';

export interface SeriesSlice {
  sopInstanceUid: string;
  filePath: string;
  frame: number;
}

/**
 * Where the runtime gets pixels from: ordered instance files for a series, and the file
 * of one instance. The study cache implements it below; tests and the CLI's --file can
 * supply their own.
 */
export interface SeriesSource {
  /** Every frame of the series in slice order, or an empty list for an unknown series. */
  slicesOf(seriesInstanceUid: string): SeriesSlice[];
  instanceFile(sopInstanceUid: string): string | undefined;
  /** The study an instance belongs to and the Series Numbers its series hold, for numbering a new derived series; undefined outside the cache. */
  studyOf?(sopInstanceUid: string): { studyInstanceUid: string; seriesNumbers: number[] } | undefined;
}

interface InstanceRow {
  sop_instance_uid: string;
  file_path: string;
  instance_number: number | null;
  number_of_frames: number;
  image_orientation_patient: string | null;
  image_position_patient: string | null;
}

/** Slice order for the runtime: the study cache's own, so a derived series follows its source as the viewer shows it. */
export function orderInstances(rows: InstanceRow[]): InstanceRow[] {
  return orderStoredInstances(rows).slices.map(({ slice }) => slice.row);
}

/** A SeriesSource over the study cache's instances table. */
export function cacheSeriesSource(db: Database.Database): SeriesSource {
  const bySeries = db.prepare(
    `SELECT sop_instance_uid, file_path, instance_number, number_of_frames, image_orientation_patient, image_position_patient
       FROM instances WHERE series_instance_uid = ?`,
  );
  const studyOfInstance = db.prepare(
    'SELECT s.study_instance_uid FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid WHERE i.sop_instance_uid = ?',
  );
  const seriesNumbersOfStudy = db.prepare('SELECT series_number FROM series WHERE study_instance_uid = ? AND series_number IS NOT NULL').pluck();
  return {
    slicesOf: (seriesInstanceUid) =>
      orderInstances(bySeries.all(seriesInstanceUid) as InstanceRow[]).flatMap((row) =>
        Array.from({ length: Math.max(1, row.number_of_frames) }, (_, frame) => ({ sopInstanceUid: row.sop_instance_uid, filePath: row.file_path, frame })),
      ),
    instanceFile: (sopInstanceUid) => instanceFilePath(db, sopInstanceUid),
    studyOf: (sopInstanceUid) => {
      const study = studyOfInstance.get(sopInstanceUid) as { study_instance_uid: string } | undefined;
      if (!study) return undefined;
      const numbers = seriesNumbersOfStudy.all(study.study_instance_uid) as number[];
      return { studyInstanceUid: study.study_instance_uid, seriesNumbers: numbers };
    },
  };
}
