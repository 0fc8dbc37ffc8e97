// A synthetic axial CT series for the viewer benchmark, written with the product's own Part 10
// writer: a trunk-like phantom (body ellipse, a ring of bone, spine, lungs in the upper part, a few
// spheres) whose shape changes along z, so stack scrolling and every MPR plane show structure.
import fs from 'node:fs';
import path from 'node:path';
import { dicomDateTime, newUid, writePart10File } from '../src-main/dicom/part10';
import { decimalString } from '../src-main/inference/derived/derived-dicom';

const ctImageStorage = '1.2.840.10008.5.1.4.1.1.2';
export const syntheticCtSize = 512;
const pixelSpacingMm = 0.7;
const sliceSpacingMm = 0.625;
const rescaleIntercept = -1024;

/** Spheres that appear and disappear along z, something to find in each plane: centre x, y (mm), position along the scan (0–1), radius (mm), HU. */
const spheres: readonly (readonly [number, number, number, number, number])[] = [
  [-40, -20, 0.2, 18, 60],
  [55, 10, 0.55, 25, 130],
  [0, -40, 0.8, 30, -60],
];

/** The phantom's cross-section at one position along the scan: Hounsfield units at in-plane points (mm from the centre). */
function phantomSection(t: number, zMm: number, scanLengthMm: number): (x: number, y: number) => number {
  // The trunk widens and narrows along z; y grows towards the patient's back (LPS).
  const a = 150 + 20 * Math.sin(Math.PI * t);
  const b = 100 + 12 * Math.sin(2 * Math.PI * t + 0.5);
  const ribs = Math.cos(zMm / 9) > -0.3;
  const lungs = t < 0.42;
  const discs = spheres.flatMap(([cx, cy, at, radius, hu]) => {
    const dz = (t - at) * scanLengthMm;
    const r2 = radius * radius - dz * dz;
    return r2 > 0 ? [{ cx, cy, r2, hu }] : [];
  });
  return (x, y) => {
    const r = Math.sqrt((x / a) ** 2 + (y / b) ** 2);
    if (r > 1) return -1000;
    const spineY = y - 0.62 * b;
    const spine2 = x * x + spineY * spineY;
    if (spine2 < 256) return spine2 < 121 ? 250 : 900;
    if (ribs && r > 0.86 && r < 0.92) return 700;
    if (r > 0.95) return -100;
    if (lungs && ((Math.abs(x) - 0.45 * a) / (0.33 * a)) ** 2 + ((y + 0.05 * b) / (0.7 * b)) ** 2 < 1) return -820;
    for (const disc of discs) if ((x - disc.cx) ** 2 + (y - disc.cy) ** 2 < disc.r2) return disc.hu;
    return 40;
  };
}

/** One slice's stored values (HU − intercept), with a little deterministic noise. */
export function phantomSlice(index: number, slices: number, size = syntheticCtSize): Int16Array {
  const stored = new Int16Array(size * size);
  const t = slices > 1 ? index / (slices - 1) : 0;
  const section = phantomSection(t, -index * sliceSpacingMm, Math.max(1, slices - 1) * sliceSpacingMm);
  const half = (size - 1) / 2;
  let seed = (index * 2654435761) >>> 0;
  for (let row = 0; row < size; row += 1) {
    const y = (row - half) * pixelSpacingMm;
    for (let column = 0; column < size; column += 1) {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      const hu = section((column - half) * pixelSpacingMm, y);
      const noise = hu > -900 ? ((seed >>> 24) % 21) - 10 : 0;
      stored[row * size + column] = hu + noise - rescaleIntercept;
    }
  }
  return stored;
}

/** Writes `slices` axial 512×512 signed 16-bit CT images of one study and series into `dir`; returns the files and the study's UID. */
export async function writeSyntheticCt(dir: string, slices: number): Promise<{ files: string[]; studyInstanceUid: string }> {
  fs.mkdirSync(dir, { recursive: true });
  const studyInstanceUid = newUid();
  const seriesInstanceUid = newUid();
  const frameOfReferenceUid = newUid();
  const { date, time } = dicomDateTime(new Date());
  const origin = (-((syntheticCtSize - 1) / 2) * pixelSpacingMm).toFixed(3);
  const files: string[] = [];
  for (let index = 0; index < slices; index += 1) {
    const stored = phantomSlice(index, slices);
    const z = decimalString(-index * sliceSpacingMm);
    const file = path.join(dir, `CT${String(index + 1).padStart(5, '0')}.dcm`);
    await writePart10File(
      {
        SpecificCharacterSet: 'ISO_IR 100',
        ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
        SOPClassUID: ctImageStorage,
        SOPInstanceUID: newUid(),
        StudyDate: date,
        StudyTime: time,
        SeriesDate: date,
        SeriesTime: time,
        AccessionNumber: 'BENCH1000',
        Modality: 'CT',
        Manufacturer: 'Radstation benchmark phantom',
        StudyDescription: 'Synthetic trunk CT (viewer benchmark)',
        SeriesDescription: `Phantom ${slices} x 512x512`,
        PatientName: 'Bench^Phantom',
        PatientID: 'BENCH-CT',
        PatientBirthDate: '19700101',
        PatientSex: 'O',
        SliceThickness: decimalString(sliceSpacingMm),
        KVP: '120',
        StudyInstanceUID: studyInstanceUid,
        SeriesInstanceUID: seriesInstanceUid,
        StudyID: '1',
        SeriesNumber: 1,
        InstanceNumber: index + 1,
        ImagePositionPatient: [origin, origin, z],
        ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'],
        FrameOfReferenceUID: frameOfReferenceUid,
        PositionReferenceIndicator: '',
        SliceLocation: z,
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        Rows: syntheticCtSize,
        Columns: syntheticCtSize,
        PixelSpacing: [decimalString(pixelSpacingMm), decimalString(pixelSpacingMm)],
        BitsAllocated: 16,
        BitsStored: 16,
        HighBit: 15,
        PixelRepresentation: 1,
        WindowCenter: '40',
        WindowWidth: '400',
        RescaleIntercept: decimalString(rescaleIntercept),
        RescaleSlope: '1',
        RescaleType: 'HU',
        PixelData: [stored.buffer],
        _vrMap: { PixelData: 'OW' },
      },
      file,
    );
    files.push(file);
  }
  return { files, studyInstanceUid };
}
