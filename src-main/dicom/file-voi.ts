import type { DataSet } from 'dicom-parser';
import { parseVoiLutFunction, windowProblem, type Voi, type VoiLut, type VoiWindow } from '../../src-shared/imaging/voi';
import { usableRescale, type Rescale } from '../../src-shared/imaging/modality-lut';

/**
 * The main process's adapter from a parsed header (dicom-parser) to the shared imaging maths
 * (src-shared/imaging): the file's rescale and its VOI, read once here for thumbnails and the models.
 */

export function fileRescale(dataSet: DataSet): Rescale {
  return usableRescale(dataSet.floatString('x00281053'), dataSet.floatString('x00281052'));
}

/**
 * The file's windows in order (Window Center/Width are multi-valued, one pair a window), each with
 * the file's VOI LUT Function. Windows the standard does not allow (a LINEAR width below 1, say)
 * are left out, so a viewer never shows a broken window as the file's own.
 */
export function fileWindows(dataSet: DataSet): VoiWindow[] {
  const lutFunction = parseVoiLutFunction(dataSet.string('x00281056'));
  const windows: VoiWindow[] = [];
  const count = Math.min(dataSet.numStringValues('x00281050') ?? 0, dataSet.numStringValues('x00281051') ?? 0);
  for (let i = 0; i < count; i += 1) {
    const window = { center: dataSet.floatString('x00281050', i) ?? Number.NaN, width: dataSet.floatString('x00281051', i) ?? Number.NaN, lutFunction };
    if (!windowProblem(window)) windows.push(window);
  }
  return windows;
}

/** The first item of the VOI LUT Sequence (0028,3010), or undefined when there is none or it cannot be read. */
export function fileVoiLut(dataSet: DataSet): VoiLut | undefined {
  const item = dataSet.elements.x00283010?.items?.[0]?.dataSet;
  const data = item?.elements.x00283006;
  if (!item || !data || item.elements.x00283002 === undefined) return undefined;
  const declaredEntries = item.uint16('x00283002', 0) ?? 0;
  // 0 entries means 2^16 (C.11.2.1.1); the first value mapped is signed when the values it maps can be negative.
  const entries = declaredEntries === 0 ? 65536 : declaredEntries;
  const firstRaw = item.uint16('x00283002', 1) ?? 0;
  const signedInput = item.elements.x00283002.vr === 'SS' || (dataSet.uint16('x00280103') === 1 && firstRaw >= 0x8000);
  const firstValueMapped = signedInput && firstRaw >= 0x8000 ? firstRaw - 0x10000 : firstRaw;
  const bitsPerEntry = item.uint16('x00283002', 2) ?? 16;
  // LUT Data is 16-bit words (US or OW) whatever the entries' bit depth.
  const words = Math.min(entries, Math.floor(data.length / 2));
  if (words === 0) return undefined;
  const values = new Uint16Array(words);
  // uint16 reads in the data set's byte order, so big-endian files come out right too.
  for (let i = 0; i < words; i += 1) values[i] = item.uint16('x00283006', i) ?? 0;
  return { firstValueMapped, bitsPerEntry, data: values };
}

/** The VOI the file asks for: its first window (as Cornerstone3D shows it first), else its VOI LUT, else none. */
export function fileVoi(dataSet: DataSet): Voi | undefined {
  const window = fileWindows(dataSet)[0];
  if (window) return { kind: 'window', window };
  const lut = fileVoiLut(dataSet);
  return lut ? { kind: 'lut', lut } : undefined;
}
