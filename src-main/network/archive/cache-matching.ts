import type Database from 'better-sqlite3';
import { answerText } from '../query-results';

/**
 * C-FIND matching against the cache (PS3.4 C.2.2.2): universal (empty), single value, wildcard
 * (* and ?), UID list and date range. Candidate rows come from SQL per level; the matching is
 * done here so every key behaves the same at every level.
 */

export type QueryLevel = 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';
export type Row = Record<string, string>;

const personNameKeys = new Set(['PatientName', 'ReferringPhysicianName']);
const uidKeys = new Set(['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'SOPClassUID']);
const dateKeys = new Set(['StudyDate', 'PatientBirthDate', 'SeriesDate']);

function wildcard(pattern: string, caseInsensitive: boolean): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, caseInsensitive ? 'i' : '');
}

export function matchesKey(keyword: string, wanted: string, actual: string): boolean {
  if (wanted === '' || wanted === '*') return true;
  if (uidKeys.has(keyword)) return wanted.split('\\').includes(actual);
  if (dateKeys.has(keyword) && wanted.includes('-')) {
    const [from, to] = wanted.split('-');
    return actual !== '' && (!from || actual >= from) && (!to || actual <= to);
  }
  if (keyword === 'ModalitiesInStudy') return actual.split('\\').some((modality) => wanted.split('\\').includes(modality));
  const caseInsensitive = personNameKeys.has(keyword);
  if (/[*?]/.test(wanted)) return wildcard(wanted, caseInsensitive).test(actual);
  return caseInsensitive ? wanted.toLowerCase() === actual.toLowerCase() : wanted === actual;
}

const levelSql: Record<QueryLevel, string> = {
  PATIENT: `SELECT p.patient_id AS PatientID, p.patient_name AS PatientName, p.birth_date AS PatientBirthDate, p.sex AS PatientSex,
      COUNT(st.study_instance_uid) AS NumberOfPatientRelatedStudies
    FROM patients p JOIN studies st ON st.patient_ref = p.id GROUP BY p.id`,
  STUDY: `SELECT p.patient_id AS PatientID, p.patient_name AS PatientName, p.birth_date AS PatientBirthDate, p.sex AS PatientSex,
      st.study_instance_uid AS StudyInstanceUID, st.study_date AS StudyDate, st.study_time AS StudyTime, st.accession_number AS AccessionNumber,
      st.study_id AS StudyID, st.study_description AS StudyDescription, st.referring_physician_name AS ReferringPhysicianName,
      (SELECT GROUP_CONCAT(DISTINCT se.modality) FROM series se WHERE se.study_instance_uid = st.study_instance_uid) AS ModalitiesInStudy,
      (SELECT COUNT(*) FROM series se WHERE se.study_instance_uid = st.study_instance_uid) AS NumberOfStudyRelatedSeries,
      (SELECT COUNT(*) FROM instances i JOIN series se ON se.series_instance_uid = i.series_instance_uid WHERE se.study_instance_uid = st.study_instance_uid) AS NumberOfStudyRelatedInstances
    FROM studies st JOIN patients p ON p.id = st.patient_ref`,
  SERIES: `SELECT p.patient_id AS PatientID, p.patient_name AS PatientName, st.study_instance_uid AS StudyInstanceUID,
      se.series_instance_uid AS SeriesInstanceUID, se.modality AS Modality, se.series_number AS SeriesNumber, se.series_description AS SeriesDescription,
      se.series_date AS SeriesDate, se.body_part_examined AS BodyPartExamined,
      (SELECT COUNT(*) FROM instances i WHERE i.series_instance_uid = se.series_instance_uid) AS NumberOfSeriesRelatedInstances
    FROM series se JOIN studies st ON st.study_instance_uid = se.study_instance_uid JOIN patients p ON p.id = st.patient_ref`,
  IMAGE: `SELECT p.patient_id AS PatientID, p.patient_name AS PatientName, st.study_instance_uid AS StudyInstanceUID, se.series_instance_uid AS SeriesInstanceUID,
      i.sop_instance_uid AS SOPInstanceUID, i.sop_class_uid AS SOPClassUID, i.instance_number AS InstanceNumber, se.modality AS Modality,
      i.transfer_syntax_uid AS TransferSyntaxUID, i.rows AS Rows, i.columns AS Columns, i.number_of_frames AS NumberOfFrames
    FROM instances i JOIN series se ON se.series_instance_uid = i.series_instance_uid JOIN studies st ON st.study_instance_uid = se.study_instance_uid
    JOIN patients p ON p.id = st.patient_ref`,
};

/** The cache's records at one level whose values match every key of the identifier. */
export function matchingRecords(db: Database.Database, level: QueryLevel, identifier: Record<string, unknown>): Row[] {
  // The unique key of the level above narrows the SQL: an image query names its series, a series query its study.
  let sql = levelSql[level];
  const params: string[] = [];
  const seriesUid = answerText(identifier.SeriesInstanceUID);
  const studyUid = answerText(identifier.StudyInstanceUID);
  if (level === 'IMAGE' && seriesUid && !seriesUid.includes('\\')) {
    sql += ' WHERE se.series_instance_uid = ?';
    params.push(seriesUid);
  } else if ((level === 'IMAGE' || level === 'SERIES') && studyUid && !studyUid.includes('\\')) {
    sql += ' WHERE st.study_instance_uid = ?';
    params.push(studyUid);
  }
  const rows = (db.prepare(sql).all(...params) as Array<Record<string, string | number | null>>).map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null ? '' : key === 'ModalitiesInStudy' ? String(value).replace(/,/g, '\\') : String(value)])),
  );
  const keys = Object.entries(identifier)
    .filter(([keyword]) => keyword !== 'QueryRetrieveLevel' && keyword !== 'SpecificCharacterSet')
    .map(([keyword, value]) => [keyword, answerText(value)] as const)
    .filter(([keyword, value]) => value !== '' && rows.length > 0 && keyword in rows[0]!);
  return rows.filter((row) => keys.every(([keyword, value]) => matchesKey(keyword, value, row[keyword] ?? '')));
}
