import type Database from 'better-sqlite3';
import { ServiceError } from '../../src-shared/contract/errors';
import type { ReportEntry } from '../../src-shared/domain/reports';
import type { PatientStudyHeader } from '../../src-shared/domain/studies';
import { formatDicomDate } from './metadata-questions';

/** The study fields a report is headed with, as the cache holds them: the common header and two more. */
export interface ReportStudy extends PatientStudyHeader {
  studyId: string;
  referringPhysicianName: string;
}

export function readReportStudy(db: Database.Database, studyInstanceUid: string): ReportStudy {
  const row = db
    .prepare(
      `SELECT st.study_instance_uid AS studyInstanceUid, p.patient_name AS patientName, p.patient_id AS patientId,
              p.birth_date AS patientBirthDate, p.sex AS patientSex, st.study_date AS studyDate, st.study_time AS studyTime,
              st.accession_number AS accessionNumber, st.study_id AS studyId, st.study_description AS studyDescription,
              st.referring_physician_name AS referringPhysicianName
         FROM studies st JOIN patients p ON p.id = st.patient_ref WHERE st.study_instance_uid = ?`,
    )
    .get(studyInstanceUid) as ReportStudy | undefined;
  if (!row) throw new ServiceError('not-found', 'The cache has no study with that UID.');
  return row;
}

export const aiLabel = 'AI-generated — not for diagnosis';

/** One line that lets a reader trace an added answer back to its source and image. */
export function entryProvenance(entry: ReportEntry): string {
  const source =
    entry.source === 'model' && entry.model
      ? `${aiLabel}; ${entry.model.name} ${entry.model.version} (${entry.model.bundleId}) on ${entry.model.provider}`
      : 'from the DICOM header and study cache';
  const confidence = entry.confidence === null ? '' : `; confidence ${Math.round(entry.confidence * 100)}%`;
  const image = entry.image;
  const window = image.windowCenter !== null && image.windowWidth !== null ? `; W/L ${image.windowWidth}/${image.windowCenter}` : '';
  const roi = image.roi ? `; ROI ${Math.round(image.roi.x)},${Math.round(image.roi.y)} ${Math.round(image.roi.width)}×${Math.round(image.roi.height)}` : '';
  return `${source}${confidence}. Image ${image.sopInstanceUid}, frame ${image.frame + 1}${window}${roi}; added ${entry.addedAt}.`;
}

export function entryText(entry: ReportEntry): string {
  return `Q: ${entry.question}\nA: ${entry.answer}\n[${entryProvenance(entry)}]`;
}

export function patientLine(study: ReportStudy): string {
  const name = study.patientName.replace(/\^+/g, ' ').replace(/=.*$/, '').trim() || '(no name)';
  return `${name} — ID ${study.patientId || '(none)'}${study.patientBirthDate ? `, born ${formatDicomDate(study.patientBirthDate)}` : ''}${study.patientSex ? `, ${study.patientSex}` : ''}`;
}

export function studyLine(study: ReportStudy): string {
  return [study.studyDescription || 'Study', study.studyDate ? formatDicomDate(study.studyDate) : 'undated', study.accessionNumber ? `accession ${study.accessionNumber}` : ''].filter(Boolean).join(' — ');
}

