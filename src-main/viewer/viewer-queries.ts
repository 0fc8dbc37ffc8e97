import type Database from 'better-sqlite3';
import { ServiceError } from '../../src-shared/contract/errors';
import type { StackInstance, StoredMeasurement, ViewerSeries, ViewerStudy } from '../../src-shared/contract/viewer';
import { listSeries, orderedInstances, type OrderedInstance } from '../studies/cache/series-queries';
import { studyHeader } from '../studies/cache/study-queries';
import { parseDecimals } from '../studies/geometry/slice-order';

function toInstance({ row, summary }: OrderedInstance): StackInstance {
  return {
    sopInstanceUid: summary.sopInstanceUid,
    sopClassUid: summary.sopClassUid,
    instanceNumber: summary.instanceNumber,
    numberOfFrames: summary.numberOfFrames,
    rows: summary.rows,
    columns: summary.columns,
    imagePositionPatient: summary.imagePositionPatient,
    imageOrientationPatient: summary.imageOrientationPatient,
    pixelSpacing: parseDecimals(row.pixel_spacing, 2),
    sliceThickness: row.slice_thickness,
  };
}

/**
 * A study for the viewer: its series and their images in stack order. The series and
 * their ordered instances come from the study cache's own queries (`studies.series`,
 * `studies.instances`), so the browser and the viewer always agree on both.
 */
export function viewerStudy(db: Database.Database, cacheDir: string, studyInstanceUid: string): ViewerStudy {
  const study = studyHeader(db, studyInstanceUid);
  if (!study) throw new ServiceError('not-found', 'The cache has no study with that UID.');
  const series: ViewerSeries[] = listSeries(db, studyInstanceUid).map((summary) => ({
    seriesInstanceUid: summary.seriesInstanceUid,
    modality: summary.modality,
    seriesNumber: summary.seriesNumber,
    seriesDescription: summary.seriesDescription,
    seriesDate: summary.seriesDate,
    seriesTime: summary.seriesTime,
    instances: orderedInstances(db, cacheDir, summary.seriesInstanceUid).instances.map(toInstance),
  }));
  // The viewer's contract has no referring physician, import time or de-identified mark (the
  // study browser shows that): leave them off the wire.
  const { referringPhysicianName, importedAt, deidentified, ...header } = study;
  return { ...header, series };
}

interface MeasurementRow {
  annotation_uid: string;
  tool_name: string;
  series_instance_uid: string;
  sop_instance_uid: string | null;
  label: string;
  annotation_json: string;
}

export function listMeasurements(db: Database.Database, studyInstanceUid: string): StoredMeasurement[] {
  const rows = db
    .prepare(
      `SELECT annotation_uid, tool_name, series_instance_uid, sop_instance_uid, label, annotation_json
         FROM measurements WHERE study_instance_uid = ? ORDER BY created_order`,
    )
    .all(studyInstanceUid) as MeasurementRow[];
  return rows.map((row) => ({
    annotationUid: row.annotation_uid,
    toolName: row.tool_name,
    seriesInstanceUid: row.series_instance_uid,
    sopInstanceUid: row.sop_instance_uid,
    label: row.label,
    annotationJson: row.annotation_json,
  }));
}

/** Replaces a study's measurements in one transaction, so a crash never leaves half a list. */
export function saveMeasurements(db: Database.Database, studyInstanceUid: string, measurements: readonly StoredMeasurement[]): number {
  const known = db.prepare('SELECT 1 FROM studies WHERE study_instance_uid = ?').get(studyInstanceUid);
  if (!known) throw new ServiceError('not-found', 'The cache has no study with that UID.');
  const remove = db.prepare('DELETE FROM measurements WHERE study_instance_uid = ?');
  const insert = db.prepare(
    `INSERT INTO measurements (annotation_uid, study_instance_uid, series_instance_uid, sop_instance_uid, tool_name, label, annotation_json, created_order, saved_at)
     VALUES (@annotationUid, @studyInstanceUid, @seriesInstanceUid, @sopInstanceUid, @toolName, @label, @annotationJson, @order, @savedAt)`,
  );
  const savedAt = new Date().toISOString();
  db.transaction(() => {
    remove.run(studyInstanceUid);
    measurements.forEach((m, order) => insert.run({ ...m, studyInstanceUid, order, savedAt }));
  })();
  return measurements.length;
}
