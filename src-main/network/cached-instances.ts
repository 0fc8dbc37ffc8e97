import type Database from 'better-sqlite3';
import { resolveStoredPath } from '../studies/cache/stored-files';

/** One cached instance as the network side needs it: identity, class, syntax and file. */
export interface CachedInstance {
  patientId: string;
  patientName: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  instanceNumber: number | null;
  modality: string;
  file: string;
}

interface Row {
  patient_id: string;
  patient_name: string;
  study_instance_uid: string;
  series_instance_uid: string;
  sop_instance_uid: string;
  sop_class_uid: string;
  transfer_syntax_uid: string;
  instance_number: number | null;
  modality: string;
  file_path: string;
}

const selectColumns = `SELECT p.patient_id, p.patient_name, st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid, i.sop_class_uid,
  i.transfer_syntax_uid, i.instance_number, se.modality, i.file_path
  FROM instances i JOIN series se ON se.series_instance_uid = i.series_instance_uid
  JOIN studies st ON st.study_instance_uid = se.study_instance_uid JOIN patients p ON p.id = st.patient_ref`;

function toInstance(cacheDir: string, row: Row): CachedInstance {
  return {
    patientId: row.patient_id,
    patientName: row.patient_name,
    studyInstanceUid: row.study_instance_uid,
    seriesInstanceUid: row.series_instance_uid,
    sopInstanceUid: row.sop_instance_uid,
    sopClassUid: row.sop_class_uid,
    transferSyntaxUid: row.transfer_syntax_uid,
    instanceNumber: row.instance_number,
    modality: row.modality,
    file: resolveStoredPath(cacheDir, row.file_path),
  };
}

/** The cached instances of a study, a series, or one instance, in series and instance order. */
export function cachedInstances(db: Database.Database, cacheDir: string, scope: { studyInstanceUid?: string; seriesInstanceUid?: string; sopInstanceUid?: string }): CachedInstance[] {
  const conditions: string[] = [];
  const params: string[] = [];
  if (scope.studyInstanceUid) {
    conditions.push('st.study_instance_uid = ?');
    params.push(scope.studyInstanceUid);
  }
  if (scope.seriesInstanceUid) {
    conditions.push('se.series_instance_uid = ?');
    params.push(scope.seriesInstanceUid);
  }
  if (scope.sopInstanceUid) {
    conditions.push('i.sop_instance_uid = ?');
    params.push(scope.sopInstanceUid);
  }
  if (conditions.length === 0) return [];
  const rows = db.prepare(`${selectColumns} WHERE ${conditions.join(' AND ')} ORDER BY se.series_number, se.series_instance_uid, i.instance_number, i.sop_instance_uid`).all(...params) as Row[];
  return rows.map((row) => toInstance(cacheDir, row));
}
