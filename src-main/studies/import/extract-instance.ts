import type { DataSet, Element } from 'dicom-parser';
import type { PatientStudyHeader } from '../../../src-shared/domain/studies';
import { characterSetFor, specificCharacterSetOf, type CharacterSet } from '../../dicom/charset';
import { NotDicomError, type ParsedFile } from '../../dicom/read-file';

/**
 * Everything the v1 cache tables store about one instance, read from its header, one group per
 * table. The patient and study fields are the shared header's (src-shared/domain/studies.ts);
 * only the patient table's birth date and sex keep the column names they are stored under.
 */
export interface InstanceRecord {
  patient: Pick<PatientStudyHeader, 'patientId' | 'patientName'> & { birthDate: PatientStudyHeader['patientBirthDate']; sex: PatientStudyHeader['patientSex'] };
  study: Pick<PatientStudyHeader, 'studyInstanceUid' | 'studyDate' | 'studyTime' | 'accessionNumber' | 'studyDescription'> & {
    studyId: string;
    referringPhysicianName: string;
  };
  series: {
    seriesInstanceUid: string;
    modality: string;
    seriesNumber: number | null;
    seriesDescription: string;
    bodyPartExamined: string;
    seriesDate: string;
    seriesTime: string;
    isDerived: boolean;
  };
  instance: {
    sopInstanceUid: string;
    sopClassUid: string;
    instanceNumber: number | null;
    rows: number | null;
    columns: number | null;
    numberOfFrames: number;
    bitsAllocated: number | null;
    bitsStored: number | null;
    pixelRepresentation: number | null;
    samplesPerPixel: number | null;
    photometricInterpretation: string;
    transferSyntaxUid: string;
    imageOrientationPatient: string | null;
    imagePositionPatient: string | null;
    pixelSpacing: string | null;
    sliceThickness: number | null;
    spacingBetweenSlices: number | null;
    sliceLocation: number | null;
    windowCenter: string | null;
    windowWidth: string | null;
    rescaleSlope: number | null;
    rescaleIntercept: number | null;
  };
}


const uidPattern = /^[0-9]+(\.[0-9]+)*$/;

class Reader {
  constructor(
    private readonly dataSet: DataSet,
    private readonly charset: CharacterSet,
  ) {}

  private element(tag: string): Element | undefined {
    const element = this.dataSet.elements[tag];
    return element && element.length > 0 && element.length !== 0xffffffff ? element : undefined;
  }

  private bytes(element: Element): Uint8Array {
    const end = Math.min(element.dataOffset + element.length, this.dataSet.byteArray.length);
    return this.dataSet.byteArray.subarray(element.dataOffset, end);
  }

  /** Code strings, UIDs, dates, numbers as text: ASCII by definition, padding trimmed. */
  code(tag: string): string {
    const element = this.element(tag);
    if (!element) return '';
    return Buffer.from(this.bytes(element)).toString('latin1').replace(/\0/g, '').trim();
  }

  /** Text VRs (LO, SH, PN, ST, LT, UT) decoded under the file's Specific Character Set. */
  text(tag: string, personName = false): string {
    const element = this.element(tag);
    if (!element) return '';
    const value = this.charset.decode(this.bytes(element), { personName }).replace(/\0/g, '').trim();
    // Trailing empty component groups ("Wang^XiaoDong=王^小東=") may be omitted by PS3.5 §6.2; drop them so equal names compare equal.
    return personName ? value.replace(/=+$/, '') : value;
  }

  /** A multi-valued decimal/integer string kept as DICOM writes it ("a\b\c"), or null. */
  numbers(tag: string): string | null {
    const value = this.code(tag);
    if (value === '') return null;
    const parts = value.split('\\').map((part) => part.trim());
    return parts.every((part) => part !== '' && Number.isFinite(Number(part))) ? parts.join('\\') : null;
  }

  decimal(tag: string): number | null {
    const first = this.code(tag).split('\\')[0]?.trim() ?? '';
    if (first === '') return null;
    const value = Number(first);
    return Number.isFinite(value) ? value : null;
  }

  integer(tag: string): number | null {
    const value = this.decimal(tag);
    return value === null ? null : Math.trunc(value);
  }

  /** US values; in implicit VR the VR is unknown, so only a two-byte length is trusted. */
  unsigned16(tag: string): number | null {
    const element = this.element(tag);
    if (!element || element.length < 2) return null;
    return this.dataSet.uint16(tag) ?? null;
  }

  firstItem(tag: string): Reader | undefined {
    const item = this.dataSet.elements[tag]?.items?.[0]?.dataSet;
    return item ? new Reader(item, this.charset) : undefined;
  }
}

function requireUid(reader: Reader, tag: string, name: string): string {
  const uid = reader.code(tag);
  if (uid === '') throw new NotDicomError(`missing ${name} ${tag.replace(/^x(....)(....)$/, '($1,$2)').toUpperCase()}`);
  if (!uidPattern.test(uid) || uid.length > 64) throw new NotDicomError(`${name} "${uid.slice(0, 80)}" is not a valid DICOM UID`);
  return uid;
}

/** Enhanced multi-frame objects keep geometry in functional groups; fall back to the shared and first per-frame items. */
function functionalGroup(reader: Reader, sequenceTag: string): Reader | undefined {
  return reader.firstItem('x52009229')?.firstItem(sequenceTag) ?? reader.firstItem('x52009230')?.firstItem(sequenceTag);
}

export function extractInstance(parsed: ParsedFile): InstanceRecord {
  const { dataSet } = parsed;
  const r = new Reader(dataSet, characterSetFor(specificCharacterSetOf(dataSet)));

  const sopInstanceUid = requireUid(r, 'x00080018', 'SOP Instance UID');
  const studyInstanceUid = requireUid(r, 'x0020000d', 'Study Instance UID');
  const seriesInstanceUid = requireUid(r, 'x0020000e', 'Series Instance UID');

  const measures = functionalGroup(r, 'x00289110');
  const orientation = functionalGroup(r, 'x00209116');
  const position = r.firstItem('x52009230')?.firstItem('x00209113');
  const voi = functionalGroup(r, 'x00289132');
  const rescale = functionalGroup(r, 'x00289145');

  return {
    patient: {
      patientId: r.text('x00100020'),
      patientName: r.text('x00100010', true),
      birthDate: r.code('x00100030'),
      sex: r.code('x00100040'),
    },
    study: {
      studyInstanceUid,
      studyDate: r.code('x00080020'),
      studyTime: r.code('x00080030'),
      accessionNumber: r.text('x00080050'),
      studyId: r.text('x00200010'),
      studyDescription: r.text('x00081030'),
      referringPhysicianName: r.text('x00080090', true),
    },
    series: {
      seriesInstanceUid,
      modality: r.code('x00080060').toUpperCase(),
      seriesNumber: r.integer('x00200011'),
      seriesDescription: r.text('x0008103e'),
      bodyPartExamined: r.code('x00180015'),
      seriesDate: r.code('x00080021'),
      seriesTime: r.code('x00080031'),
      isDerived: r.code('x00080008').split('\\')[0]?.trim().toUpperCase() === 'DERIVED',
    },
    instance: {
      sopInstanceUid,
      sopClassUid: r.code('x00080016'),
      instanceNumber: r.integer('x00200013'),
      rows: r.unsigned16('x00280010'),
      columns: r.unsigned16('x00280011'),
      numberOfFrames: Math.max(1, r.integer('x00280008') ?? 1),
      bitsAllocated: r.unsigned16('x00280100'),
      bitsStored: r.unsigned16('x00280101'),
      pixelRepresentation: r.unsigned16('x00280103'),
      samplesPerPixel: r.unsigned16('x00280002'),
      photometricInterpretation: r.code('x00280004'),
      transferSyntaxUid: parsed.transferSyntaxUid,
      imageOrientationPatient: r.numbers('x00200037') ?? orientation?.numbers('x00200037') ?? null,
      imagePositionPatient: r.numbers('x00200032') ?? position?.numbers('x00200032') ?? null,
      pixelSpacing: r.numbers('x00280030') ?? measures?.numbers('x00280030') ?? null,
      sliceThickness: r.decimal('x00180050') ?? measures?.decimal('x00180050') ?? null,
      spacingBetweenSlices: r.decimal('x00180088') ?? measures?.decimal('x00180088') ?? null,
      sliceLocation: r.decimal('x00201041'),
      windowCenter: r.numbers('x00281050') ?? voi?.numbers('x00281050') ?? null,
      windowWidth: r.numbers('x00281051') ?? voi?.numbers('x00281051') ?? null,
      rescaleSlope: r.decimal('x00281053') ?? rescale?.decimal('x00281053') ?? null,
      rescaleIntercept: r.decimal('x00281052') ?? rescale?.decimal('x00281052') ?? null,
    },
  };
}
