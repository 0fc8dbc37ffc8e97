import fs from 'node:fs/promises';
import { dcmjsData, type NaturalDataset } from './dcmjs';

export const explicitVrLittleEndian = '1.2.840.10008.1.2.1';
/** Radstation's implementation class UID (a UUID-derived 2.25 root, PS3.5 §B.2). */
export const implementationClassUid = '2.25.163040563466305436420958463151926935611';
export const implementationVersionName = 'RADSTATION';

export { newUid } from '../../src-shared/dicom/uid';

/** Serialises a naturalised dataset as a Part 10 file in Explicit VR Little Endian. */
export function encodePart10(dataset: NaturalDataset): Buffer {
  const { DicomMetaDictionary, DicomDict } = dcmjsData;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: explicitVrLittleEndian,
    ImplementationClassUID: implementationClassUid,
    ImplementationVersionName: implementationVersionName,
  };
  const dicomDict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dicomDict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return Buffer.from(dicomDict.write());
}

/** Writes via a temporary name and a rename, so no reader ever sees half a file. */
export async function writePart10File(dataset: NaturalDataset, outputPath: string): Promise<void> {
  const partial = `${outputPath}.partial`;
  await fs.writeFile(partial, encodePart10(dataset));
  await fs.rename(partial, outputPath);
}

/** DICOM DA and TM values for a moment, in local time as DICOM expects. */
export function dicomDateTime(moment: Date): { date: string; time: string } {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return {
    date: `${moment.getFullYear()}${pad(moment.getMonth() + 1)}${pad(moment.getDate())}`,
    time: `${pad(moment.getHours())}${pad(moment.getMinutes())}${pad(moment.getSeconds())}`,
  };
}
