import type Database from 'better-sqlite3';
import { ServiceError } from '../../src-shared/contract/errors';
import type { StackInstance, StoredMeasurement, ViewerSeries, ViewerStudy } from '../../src-shared/contract/viewer';
import { orderStack } from './stack-order';

interface StudyRow {
  study_instance_uid: string;
  patient_name: string;
  patient_id: string;
  birth_date: string;
  sex: string;
  study_date: string;
  study_time: string;
  study_description: string;
  accession_number: string;
}

interface SeriesRow {
  series_instance_uid: string;
  modality: string;
  series_number: number | null;
  series_description: string;
  series_date: string;
  series_time: string;
}

interface InstanceRow {
  sop_instance_uid: string;
  series_instance_uid: string;
  instance_number: number | null;
  number_of_frames: number;
  rows: number | null;
  columns: number | null;
  image_position_patient: string | null;
  image_orientation_patient: string | null;
  pixel_spacing: string | null;
  slice_thickness: number | null;
}

/** Multi-valued DICOM numbers are stored as their backslash-separated text. */
export function parseNumbers(text: string | null): number[] | null {
  if (text === null || text.trim() === '') return null;
  const values = text.split('\\').map((part) => Number.parseFloat(part));
  return values.every((value) => Number.isFinite(value)) ? values : null;
}

function toInstance(row: InstanceRow): StackInstance {
  return {
    sopInstanceUid: row.sop_instance_uid,
    instanceNumber: row.instance_number,
    numberOfFrames: row.number_of_frames,
    rows: row.rows,
    columns: row.columns,
    imagePositionPatient: parseNumbers(row.image_position_patient),
    imageOrientationPatient: parseNumbers(row.image_orientation_patient),
    pixelSpacing: parseNumbers(row.pixel_spacing),
    sliceThickness: row.slice_thickness,
  };
}

export function viewerStudy(db: Database.Database, studyInstanceUid: string): ViewerStudy {
  const study = db
    .prepare(
      `SELECT st.study_instance_uid, p.patient_name, p.patient_id, p.birth_date, p.sex, st.study_date, st.study_time,
              st.study_description, st.accession_number
         FROM studies st JOIN patients p ON p.id = st.patient_ref WHERE st.study_instance_uid = ?`,
    )
    .get(studyInstanceUid) as StudyRow | undefined;
  if (!study) throw new ServiceError('not-found', 'The cache has no study with that UID.');
  const seriesRows = db
    .prepare(
      `SELECT series_instance_uid, modality, series_number, series_description, series_date, series_time
         FROM series WHERE study_instance_uid = ? ORDER BY series_number, series_instance_uid`,
    )
    .all(studyInstanceUid) as SeriesRow[];
  const instanceRows = db
    .prepare(
      `SELECT i.sop_instance_uid, i.series_instance_uid, i.instance_number, i.number_of_frames, i.rows, i.columns,
              i.image_position_patient, i.image_orientation_patient, i.pixel_spacing, i.slice_thickness
         FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid
        WHERE s.study_instance_uid = ?`,
    )
    .all(studyInstanceUid) as InstanceRow[];
  const bySeries = new Map<string, StackInstance[]>();
  for (const row of instanceRows) {
    const list = bySeries.get(row.series_instance_uid) ?? [];
    list.push(toInstance(row));
    bySeries.set(row.series_instance_uid, list);
  }
  const series: ViewerSeries[] = seriesRows.map((row) => ({
    seriesInstanceUid: row.series_instance_uid,
    modality: row.modality,
    seriesNumber: row.series_number,
    seriesDescription: row.series_description,
    seriesDate: row.series_date,
    seriesTime: row.series_time,
    instances: orderStack(bySeries.get(row.series_instance_uid) ?? []),
  }));
  return {
    studyInstanceUid: study.study_instance_uid,
    patientName: study.patient_name,
    patientId: study.patient_id,
    patientBirthDate: study.birth_date,
    patientSex: study.sex,
    studyDate: study.study_date,
    studyTime: study.study_time,
    studyDescription: study.study_description,
    accessionNumber: study.accession_number,
    series,
  };
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
