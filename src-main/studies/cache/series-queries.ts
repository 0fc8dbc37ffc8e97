import type Database from 'better-sqlite3';
import type { InstanceSummary, SeriesSummary } from '../../../src-shared/domain/studies';
import { orderSlices, parseDecimals, type Vector3 } from '../geometry/slice-order';
import { fileExists, resolveStoredPath } from './stored-files';

interface SeriesRow {
  series_instance_uid: string;
  study_instance_uid: string;
  modality: string;
  series_number: number | null;
  series_description: string;
  body_part_examined: string;
  series_date: string;
  series_time: string;
  is_derived: number;
  has_thumbnail: number;
  instance_count: number;
}

export function studyExists(db: Database.Database, studyInstanceUid: string): boolean {
  return db.prepare('SELECT 1 FROM studies WHERE study_instance_uid = ?').get(studyInstanceUid) !== undefined;
}

export function seriesExists(db: Database.Database, seriesInstanceUid: string): boolean {
  return db.prepare('SELECT 1 FROM series WHERE series_instance_uid = ?').get(seriesInstanceUid) !== undefined;
}

/** Series of a study by series number (unnumbered last), then date and time, then UID. */
export function listSeries(db: Database.Database, studyInstanceUid: string): SeriesSummary[] {
  const rows = db
    .prepare(
      `SELECT s.series_instance_uid, s.study_instance_uid, s.modality, s.series_number, s.series_description,
              s.body_part_examined, s.series_date, s.series_time, s.is_derived,
              s.thumbnail IS NOT NULL AS has_thumbnail,
              (SELECT count(*) FROM instances i WHERE i.series_instance_uid = s.series_instance_uid) AS instance_count
         FROM series s
        WHERE s.study_instance_uid = ?
        ORDER BY s.series_number IS NULL, s.series_number, s.series_date, s.series_time, s.series_instance_uid`,
    )
    .all(studyInstanceUid) as SeriesRow[];
  return rows.map((row) => ({
    seriesInstanceUid: row.series_instance_uid,
    studyInstanceUid: row.study_instance_uid,
    modality: row.modality,
    seriesNumber: row.series_number,
    seriesDescription: row.series_description,
    bodyPartExamined: row.body_part_examined,
    seriesDate: row.series_date,
    seriesTime: row.series_time,
    instanceCount: row.instance_count,
    isDerived: row.is_derived !== 0,
    hasThumbnail: row.has_thumbnail !== 0,
  }));
}

export interface InstanceRow {
  sop_instance_uid: string;
  sop_class_uid: string;
  instance_number: number | null;
  rows: number | null;
  columns: number | null;
  number_of_frames: number;
  bits_allocated: number | null;
  bits_stored: number | null;
  pixel_representation: number | null;
  samples_per_pixel: number | null;
  photometric_interpretation: string;
  transfer_syntax_uid: string;
  image_orientation_patient: string | null;
  image_position_patient: string | null;
  pixel_spacing: string | null;
  slice_thickness: number | null;
  window_center: string | null;
  window_width: string | null;
  rescale_slope: number | null;
  rescale_intercept: number | null;
  file_path: string;
  storage_mode: 'copy' | 'link';
  file_size: number;
}

export interface OrderedInstance {
  row: InstanceRow;
  summary: InstanceSummary;
}

/** The instances table's columns that place a slice in its stack. */
export type StoredSliceColumns = Pick<InstanceRow, 'sop_instance_uid' | 'instance_number' | 'image_position_patient' | 'image_orientation_patient'>;

/**
 * Stored instance rows in stack order, by the one rule the whole app uses (geometry/slice-order.ts):
 * the browser, the viewer and the inference runtime all call this.
 */
export function orderStoredInstances<Row extends StoredSliceColumns>(rows: readonly Row[]) {
  return orderSlices(
    rows.map((row) => ({
      row,
      uid: row.sop_instance_uid,
      instanceNumber: row.instance_number,
      position: parseDecimals(row.image_position_patient, 3) as Vector3 | null,
      orientation: parseDecimals(row.image_orientation_patient, 6) as [number, number, number, number, number, number] | null,
    })),
  );
}

/** The instances of a series in anatomical order, each with its resolved file and whether that file is there. */
export function orderedInstances(
  db: Database.Database,
  cacheDir: string,
  seriesInstanceUid: string,
): { orderedBy: 'slice-position' | 'instance-number'; instances: OrderedInstance[] } {
  const rows = db.prepare('SELECT * FROM instances WHERE series_instance_uid = ?').all(seriesInstanceUid) as InstanceRow[];
  const ordered = orderStoredInstances(rows);
  return {
    orderedBy: ordered.orderedBy,
    instances: ordered.slices.map(({ slice, projection }) => ({
      row: slice.row,
      summary: {
        sopInstanceUid: slice.row.sop_instance_uid,
        sopClassUid: slice.row.sop_class_uid,
        instanceNumber: slice.row.instance_number,
        rows: slice.row.rows,
        columns: slice.row.columns,
        numberOfFrames: slice.row.number_of_frames,
        transferSyntaxUid: slice.row.transfer_syntax_uid,
        imagePositionPatient: slice.position ? [...slice.position] : null,
        imageOrientationPatient: slice.orientation ? [...slice.orientation] : null,
        sliceProjection: projection,
        storageMode: slice.row.storage_mode,
        fileSize: slice.row.file_size,
        fileMissing: !fileExists(resolveStoredPath(cacheDir, slice.row.file_path)),
      },
    })),
  };
}
