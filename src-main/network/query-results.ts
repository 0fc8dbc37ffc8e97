import type { RemoteQuery, RemoteSeries, RemoteStudy } from '../../src-shared/domain/network';

/**
 * Query keys and answers, shared by C-FIND (dcmjs keywords) and QIDO-RS (DICOM JSON by tag):
 * both are turned into the same keyword → value record first, then into RemoteStudy/RemoteSeries.
 */

const tagsByKeyword = {
  PatientName: '00100010',
  PatientID: '00100020',
  StudyInstanceUID: '0020000D',
  StudyDate: '00080020',
  AccessionNumber: '00080050',
  StudyDescription: '00081030',
  ModalitiesInStudy: '00080061',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  SeriesInstanceUID: '0020000E',
  Modality: '00080060',
  SeriesNumber: '00200011',
  SeriesDescription: '0008103E',
  NumberOfSeriesRelatedInstances: '00201209',
  SOPInstanceUID: '00080018',
  SOPClassUID: '00080016',
  InstanceNumber: '00200013',
} as const;
export type AnswerKeyword = keyof typeof tagsByKeyword;
export type Answer = Partial<Record<AnswerKeyword, unknown>>;

export function tagOf(keyword: AnswerKeyword): string {
  return tagsByKeyword[keyword];
}

/** Study-level matching keys; dates become a DICOM range, and empty values are universal matches left out. */
export function studyMatchKeys(query: RemoteQuery): Record<string, string> {
  const keys: Record<string, string> = {};
  if (query.patientName) keys.PatientName = query.patientName;
  if (query.patientId) keys.PatientID = query.patientId;
  if (query.accessionNumber) keys.AccessionNumber = query.accessionNumber;
  if (query.modality) keys.ModalitiesInStudy = query.modality.toUpperCase();
  if (query.studyDescription) keys.StudyDescription = query.studyDescription;
  if (query.studyInstanceUid) keys.StudyInstanceUID = query.studyInstanceUid;
  if (query.from || query.to) keys.StudyDate = `${query.from ?? ''}-${query.to ?? ''}`;
  return keys;
}

/** DICOM JSON (PS3.18 F.2) to the keyword record, for the tags above only. */
export function answerFromDicomJson(json: Record<string, { Value?: unknown[] } | undefined>): Answer {
  const answer: Answer = {};
  for (const [keyword, tag] of Object.entries(tagsByKeyword) as Array<[AnswerKeyword, string]>) {
    const element = json[tag] ?? json[tag.toLowerCase()];
    const values = element?.Value;
    if (values === undefined || values.length === 0) continue;
    answer[keyword] = values.length === 1 ? values[0] : values;
  }
  return answer;
}

export function answerText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(answerText).join('\\');
  if (typeof value === 'object') {
    // Person names arrive as {Alphabetic: "..."} from both dcmjs and DICOM JSON.
    const alphabetic = (value as { Alphabetic?: unknown }).Alphabetic;
    return typeof alphabetic === 'string' ? alphabetic : '';
  }
  return String(value).trim();
}

function count(value: unknown): number | null {
  const number = Number(answerText(value));
  return answerText(value) !== '' && Number.isInteger(number) ? number : null;
}

function list(value: unknown): string[] {
  return answerText(value)
    .split('\\')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

export function toRemoteStudy(answer: Answer): RemoteStudy {
  return {
    studyInstanceUid: answerText(answer.StudyInstanceUID),
    patientName: answerText(answer.PatientName),
    patientId: answerText(answer.PatientID),
    studyDate: answerText(answer.StudyDate),
    accessionNumber: answerText(answer.AccessionNumber),
    studyDescription: answerText(answer.StudyDescription),
    modalities: list(answer.ModalitiesInStudy).sort(),
    seriesCount: count(answer.NumberOfStudyRelatedSeries),
    instanceCount: count(answer.NumberOfStudyRelatedInstances),
  };
}

export function toRemoteSeries(answer: Answer, studyInstanceUid: string): RemoteSeries {
  return {
    studyInstanceUid: answerText(answer.StudyInstanceUID) || studyInstanceUid,
    seriesInstanceUid: answerText(answer.SeriesInstanceUID),
    modality: answerText(answer.Modality),
    seriesNumber: count(answer.SeriesNumber),
    seriesDescription: answerText(answer.SeriesDescription),
    instanceCount: count(answer.NumberOfSeriesRelatedInstances),
  };
}

/** One instance an archive lists for a retrieve: enough to ask for it again and to check it arrived. */
export interface RemoteInstance {
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
}

export function toRemoteInstance(answer: Answer, seriesInstanceUid: string): RemoteInstance {
  return {
    seriesInstanceUid: answerText(answer.SeriesInstanceUID) || seriesInstanceUid,
    sopInstanceUid: answerText(answer.SOPInstanceUID),
    sopClassUid: answerText(answer.SOPClassUID),
  };
}
