import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import dicomParser from 'dicom-parser';

/**
 * Reads a DICOM file's uncompressed pixels in the test process, independently of the
 * viewer: dicom-parser for the elements, the sample layout done here.
 */
export interface RawImage {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  planarConfiguration: number;
  photometricInterpretation: string;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  pixelSpacing: [number, number] | undefined;
  /** Stored values, frame after frame, samples interleaved (colour-by-pixel). */
  values: Int32Array;
}

export function parseRawImage(bytes: Uint8Array): RawImage {
  const ds = dicomParser.parseDicom(bytes);
  const ts = ds.string('x00020010') ?? '';
  if (!['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'].includes(ts)) throw new Error(`expected an uncompressed little-endian file, got ${ts}`);
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const frames = ds.intString('x00280008') ?? 1;
  const samplesPerPixel = ds.uint16('x00280002') ?? 1;
  const planarConfiguration = ds.uint16('x00280006') ?? 0;
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const pixelRepresentation = ds.uint16('x00280103') ?? 0;
  const element = ds.elements.x7fe00010;
  if (!element) throw new Error('no pixel data');
  const count = rows * columns * samplesPerPixel * frames;
  const values = new Int32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + element.dataOffset, element.length);
  for (let i = 0; i < count; i++) {
    let v: number;
    if (bitsAllocated === 8) v = view.getUint8(i);
    else if (bitsAllocated === 16) v = view.getUint16(i * 2, true);
    else v = view.getUint32(i * 4, true);
    // Keep only the stored bits, sign-extended when signed (PS3.5 §8.1.1).
    if (bitsStored < bitsAllocated) v &= (1 << bitsStored) - 1;
    if (pixelRepresentation === 1 && v & (1 << (bitsStored - 1))) v -= 1 << bitsStored;
    values[i] = v;
  }
  if (samplesPerPixel > 1 && planarConfiguration === 1) {
    const planar = values.slice();
    const size = rows * columns;
    for (let f = 0; f < frames; f++)
      for (let p = 0; p < size; p++) for (let s = 0; s < samplesPerPixel; s++) values[f * size * samplesPerPixel + p * samplesPerPixel + s] = planar[f * size * samplesPerPixel + s * size + p] ?? 0;
  }
  const spacing = ds.string('x00280030')?.split('\\').map(Number);
  return {
    rows,
    columns,
    frames,
    samplesPerPixel,
    planarConfiguration,
    photometricInterpretation: (ds.string('x00280004') ?? '').trim(),
    bitsAllocated,
    bitsStored,
    pixelRepresentation,
    rescaleSlope: ds.floatString('x00281053') ?? 1,
    rescaleIntercept: ds.floatString('x00281052') ?? 0,
    pixelSpacing: spacing && spacing.length === 2 ? [spacing[0] ?? 1, spacing[1] ?? 1] : undefined,
    values,
  };
}

export function readRawImage(file: string): RawImage {
  const bytes = fs.readFileSync(file);
  return parseRawImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** A zstd-compressed reference (the WG04 REF files), decompressed with the zstd tool. */
export function readZstdRawImage(file: string): RawImage {
  const bytes = execFileSync('zstd', ['-d', '-c', '-q', file], { maxBuffer: 256 * 1024 * 1024 });
  return parseRawImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export function hasZstd(): boolean {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
