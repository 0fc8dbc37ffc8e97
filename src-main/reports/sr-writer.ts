import type { ReportDraft } from '../../src-shared/domain/reports';
import type { NaturalDataset } from '../dicom/dcmjs';
import { dicomDateTime, newUid } from '../dicom/part10';
import { aiLabel, entryText, type ReportStudy } from './report-document';

export const basicTextSrSopClassUid = '1.2.840.10008.5.1.4.1.1.88.11';

const code = (value: string, scheme: string, meaning: string) => [{ CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning }];
const textItem = (concept: ReturnType<typeof code>, text: string): NaturalDataset => ({
  RelationshipType: 'CONTAINS',
  ValueType: 'TEXT',
  ConceptNameCodeSequence: concept,
  TextValue: text,
});

/**
 * A Basic Text SR of the draft, in the study it reports on. It is marked PARTIAL and
 * UNVERIFIED because a draft is not a signed report, and every AI-generated statement
 * carries its label and provenance inside its own text item.
 */
export function buildBasicTextSr(draft: ReportDraft, study: ReportStudy, now: Date = new Date()): NaturalDataset {
  const { date, time } = dicomDateTime(now);
  const content: NaturalDataset[] = [];
  if (draft.findings.trim()) content.push(textItem(code('121071', 'DCM', 'Finding'), draft.findings.trim()));
  for (const entry of draft.entries) content.push(textItem(code('121071', 'DCM', 'Finding'), entryText(entry)));
  if (draft.impression.trim()) content.push(textItem(code('121073', 'DCM', 'Impression'), draft.impression.trim()));
  if (draft.entries.some((entry) => entry.source === 'model')) {
    content.push(textItem(code('121106', 'DCM', 'Comment'), `This draft contains statements marked "${aiLabel}".`));
  }
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: basicTextSrSopClassUid,
    SOPInstanceUID: newUid(),
    StudyInstanceUID: study.studyInstanceUid,
    SeriesInstanceUID: newUid(),
    Modality: 'SR',
    PatientName: study.patientName,
    PatientID: study.patientId,
    PatientBirthDate: study.patientBirthDate,
    PatientSex: study.patientSex,
    StudyDate: study.studyDate,
    StudyTime: study.studyTime,
    AccessionNumber: study.accessionNumber,
    StudyID: study.studyId,
    ReferringPhysicianName: study.referringPhysicianName,
    StudyDescription: study.studyDescription,
    SeriesNumber: 9001,
    SeriesDescription: 'Report draft (Radstation)',
    InstanceNumber: 1,
    Manufacturer: 'Radstation',
    InstanceCreationDate: date,
    InstanceCreationTime: time,
    ContentDate: date,
    ContentTime: time,
    CompletionFlag: 'PARTIAL',
    VerificationFlag: 'UNVERIFIED',
    ValueType: 'CONTAINER',
    ContinuityOfContent: 'SEPARATE',
    ConceptNameCodeSequence: code('18748-4', 'LN', 'Diagnostic Imaging Report'),
    ReferencedPerformedProcedureStepSequence: [],
    PerformedProcedureCodeSequence: [],
    ContentSequence: content,
  };
}
