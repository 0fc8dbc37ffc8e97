/**
 * Many small studies for the study browser's tests and its benchmark: one Part 10 file per study
 * (explicit VR little endian, a 4×4 16-bit image), written byte by byte here rather than with the
 * code under test, so a bug in the app's writer or parser cannot hide in its own fixtures.
 * Every field is a pure function of the study's index, so a test can count what a filter must find.
 */
import fs from 'node:fs';
import path from 'node:path';
import { element, text } from './crafted-dicom';

export const syntheticModalities = ['CT', 'MR', 'CR', 'US', 'DX'] as const;
const surnames = ['Abbott', 'Baker', 'Chen', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ivanova', 'Jensen', 'Kowalski', 'Larsen', 'Moreau', 'Novak', 'Okafor', 'Petrov'];
const givenNames = ['Ada', 'Bruno', 'Clara', 'Dmitri', 'Elena', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Luca', 'Mira'];
const descriptions = ['Head', 'Chest', 'Abdomen', 'Knee', 'Spine', 'Pelvis', 'Shoulder'];

export interface SyntheticStudy {
  readonly index: number;
  readonly studyInstanceUid: string;
  readonly patientName: string;
  readonly patientId: string;
  /** YYYYMMDD, spread over 2000–2025. */
  readonly studyDate: string;
  readonly modality: (typeof syntheticModalities)[number];
  readonly studyDescription: string;
}

/** The study at `index`; `uidRoot` keeps runs apart (digits and dots only). */
export function syntheticStudy(index: number, uidRoot = '1.2.826.0.1.3680043.8.498.9001'): SyntheticStudy {
  const day = index % 28;
  const month = Math.floor(index / 28) % 12;
  const year = 2000 + (Math.floor(index / (28 * 12)) % 26);
  return {
    index,
    studyInstanceUid: `${uidRoot}.${index + 1}`,
    patientName: `${surnames[index % surnames.length]}^${givenNames[Math.floor(index / surnames.length) % givenNames.length]}`,
    patientId: `SYN${String(index).padStart(7, '0')}`,
    studyDate: `${year}${String(month + 1).padStart(2, '0')}${String(day + 1).padStart(2, '0')}`,
    modality: syntheticModalities[index % syntheticModalities.length]!,
    studyDescription: `${descriptions[index % descriptions.length]} ${syntheticModalities[index % syntheticModalities.length]}`,
  };
}

const us = (group: number, number: number, value: number) => {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(value, 0);
  return element(group, number, 'US', bytes);
};

/** The Part 10 bytes of one study's only instance (Secondary Capture, elements in tag order). */
export function syntheticStudyFile(study: SyntheticStudy): Buffer {
  const sopClass = '1.2.840.10008.5.1.4.1.1.7';
  const sopInstance = `${study.studyInstanceUid}.1.1`;
  const meta = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    text(0x0002, 0x0002, 'UI', sopClass),
    text(0x0002, 0x0003, 'UI', sopInstance),
    text(0x0002, 0x0010, 'UI', '1.2.840.10008.1.2.1'),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(meta.length, 0);
  const pixels = Buffer.alloc(4 * 4 * 2);
  for (let i = 0; i < 16; i += 1) pixels.writeUInt16LE((i * 37 + study.index) % 4096, i * 2);
  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'latin1'),
    element(0x0002, 0x0000, 'UL', groupLength),
    meta,
    text(0x0008, 0x0016, 'UI', sopClass),
    text(0x0008, 0x0018, 'UI', sopInstance),
    text(0x0008, 0x0020, 'DA', study.studyDate),
    text(0x0008, 0x0030, 'TM', '101500'),
    text(0x0008, 0x0050, 'SH', `ACC${study.index}`),
    text(0x0008, 0x0060, 'CS', study.modality),
    text(0x0008, 0x1030, 'LO', study.studyDescription),
    text(0x0010, 0x0010, 'PN', study.patientName),
    text(0x0010, 0x0020, 'LO', study.patientId),
    text(0x0020, 0x000d, 'UI', study.studyInstanceUid),
    text(0x0020, 0x000e, 'UI', `${study.studyInstanceUid}.1`),
    text(0x0020, 0x0011, 'IS', '1'),
    text(0x0020, 0x0013, 'IS', '1'),
    us(0x0028, 0x0002, 1),
    text(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    us(0x0028, 0x0010, 4),
    us(0x0028, 0x0011, 4),
    us(0x0028, 0x0100, 16),
    us(0x0028, 0x0101, 12),
    us(0x0028, 0x0102, 11),
    us(0x0028, 0x0103, 0),
    element(0x7fe0, 0x0010, 'OW', pixels),
  ]);
}

/** Writes `count` studies as `dir/NNNN/study-N.dcm` (a thousand to a folder) and returns what was written. */
export function writeSyntheticStudies(dir: string, count: number, uidRoot?: string): SyntheticStudy[] {
  const studies: SyntheticStudy[] = [];
  for (let index = 0; index < count; index += 1) {
    const study = syntheticStudy(index, uidRoot);
    const folder = path.join(dir, String(Math.floor(index / 1000)).padStart(4, '0'));
    if (index % 1000 === 0) fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, `study-${index}.dcm`), syntheticStudyFile(study));
    studies.push(study);
  }
  return studies;
}
