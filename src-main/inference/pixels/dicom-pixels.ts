import fs from 'node:fs/promises';
import dicomParser from 'dicom-parser';

/** Transfer syntaxes whose pixel data is stored uncompressed, so it can be read directly. */
const nativeTransferSyntaxes: Record<string, { littleEndian: boolean }> = {
  '1.2.840.10008.1.2': { littleEndian: true },
  '1.2.840.10008.1.2.1': { littleEndian: true },
  '1.2.840.10008.1.2.2': { littleEndian: false },
};

/** The geometry and identity the derived series needs from its source slice. */
export interface SliceGeometry {
  rows: number;
  columns: number;
  /** Row spacing then column spacing in mm (DICOM order), when present. */
  pixelSpacing: [number, number] | null;
  imagePositionPatient: [number, number, number] | null;
  imageOrientationPatient: [number, number, number, number, number, number] | null;
}

export interface DecodedSlice extends SliceGeometry {
  sopInstanceUid: string;
  sopClassUid: string;
  modality: string;
  frame: number;
  numberOfFrames: number;
  /** Stored pixel values, one channel (colour images are reduced to luminance). */
  stored: Float32Array;
  rescaleSlope: number;
  rescaleIntercept: number;
  pixelRepresentation: 0 | 1;
  bitsStored: number;
}

export class PixelReadError extends Error {
  constructor(filePath: string, reason: string) {
    super(`Cannot read pixels from ${filePath}: ${reason}`);
    this.name = 'PixelReadError';
  }
}

function numbers(dataSet: dicomParser.DataSet, tag: string, count: number): number[] | null {
  const values: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const value = dataSet.floatString(tag, i);
    if (value === undefined || !Number.isFinite(value)) return null;
    values.push(value);
  }
  return values;
}

function readSample(bytes: Uint8Array, view: DataView, offset: number, bitsAllocated: number, signed: boolean, littleEndian: boolean): number {
  if (bitsAllocated === 8) return signed ? (bytes[offset]! << 24) >> 24 : bytes[offset]!;
  if (bitsAllocated === 16) return signed ? view.getInt16(offset, littleEndian) : view.getUint16(offset, littleEndian);
  return signed ? view.getInt32(offset, littleEndian) : view.getUint32(offset, littleEndian);
}

/** Sign-extends or masks values whose Bits Stored is less than Bits Allocated (stray high bits occur). */
function fitToBitsStored(value: number, bitsStored: number, bitsAllocated: number, signed: boolean): number {
  if (bitsStored >= bitsAllocated || bitsStored >= 32) return value;
  const mask = 2 ** bitsStored;
  let v = ((value % mask) + mask) % mask;
  if (signed && v >= mask / 2) v -= mask;
  return v;
}

/**
 * Reads one frame of a DICOM file's pixels with dicom-parser, for the native transfer
 * syntaxes. Compressed syntaxes are refused with their UID named, never guessed at.
 */
export async function readSlice(filePath: string, frame = 0): Promise<DecodedSlice> {
  let buffer: Buffer;
  try {
    buffer = await fs.readFile(filePath);
  } catch (error) {
    throw new PixelReadError(filePath, error instanceof Error ? error.message : String(error));
  }
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = dicomParser.parseDicom(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  } catch (error) {
    const reason = error instanceof Error ? error.message : typeof error === 'string' ? error : 'not a DICOM file';
    throw new PixelReadError(filePath, `not a readable DICOM file (${reason})`);
  }
  const transferSyntax = dataSet.string('x00020010') ?? '1.2.840.10008.1.2';
  const syntax = nativeTransferSyntaxes[transferSyntax];
  if (!syntax) throw new PixelReadError(filePath, `transfer syntax ${transferSyntax} is compressed or deflated; inference reads only uncompressed pixel data`);
  const pixelElement = dataSet.elements.x7fe00010;
  if (!pixelElement) throw new PixelReadError(filePath, 'it has no Pixel Data');
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  const bitsAllocated = dataSet.uint16('x00280100') ?? 0;
  const bitsStored = dataSet.uint16('x00280101') ?? bitsAllocated;
  const pixelRepresentation = dataSet.uint16('x00280103') === 1 ? 1 : 0;
  const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
  const planar = dataSet.uint16('x00280006') === 1;
  const numberOfFrames = Math.max(1, dataSet.intString('x00280008') ?? 1);
  if (rows === 0 || columns === 0) throw new PixelReadError(filePath, 'Rows or Columns is missing');
  if (![8, 16, 32].includes(bitsAllocated)) throw new PixelReadError(filePath, `Bits Allocated ${bitsAllocated} is not supported`);
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw new PixelReadError(filePath, `Samples per Pixel ${samplesPerPixel} is not supported`);
  if (frame < 0 || frame >= numberOfFrames) throw new PixelReadError(filePath, `frame ${frame} does not exist (it has ${numberOfFrames})`);
  const photometric = dataSet.string('x00280004') ?? 'MONOCHROME2';
  if (samplesPerPixel === 3 && photometric !== 'RGB') throw new PixelReadError(filePath, `photometric interpretation ${photometric} is not supported`);

  const bytesPerSample = bitsAllocated / 8;
  const pixelsPerFrame = rows * columns;
  const frameBytes = pixelsPerFrame * samplesPerPixel * bytesPerSample;
  const start = pixelElement.dataOffset + frame * frameBytes;
  if (start + frameBytes > Math.min(buffer.byteLength, pixelElement.dataOffset + pixelElement.length)) {
    throw new PixelReadError(filePath, 'the pixel data is shorter than Rows × Columns × frames says (truncated file?)');
  }
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const signed = pixelRepresentation === 1;
  const stored = new Float32Array(pixelsPerFrame);
  const sample = (index: number): number =>
    fitToBitsStored(readSample(bytes, view, start + index * bytesPerSample, bitsAllocated, signed, syntax.littleEndian), bitsStored, bitsAllocated, signed);
  if (samplesPerPixel === 1) {
    for (let i = 0; i < pixelsPerFrame; i += 1) stored[i] = sample(i);
  } else {
    // Colour input is reduced to luminance (ITU-R BT.601); models here are greyscale.
    for (let i = 0; i < pixelsPerFrame; i += 1) {
      const [r, g, b] = planar ? [sample(i), sample(i + pixelsPerFrame), sample(i + 2 * pixelsPerFrame)] : [sample(3 * i), sample(3 * i + 1), sample(3 * i + 2)];
      stored[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    }
  }
  const spacing = numbers(dataSet, 'x00280030', 2);
  const position = numbers(dataSet, 'x00200032', 3);
  const orientation = numbers(dataSet, 'x00200037', 6);
  return {
    sopInstanceUid: dataSet.string('x00080018') ?? '',
    sopClassUid: dataSet.string('x00080016') ?? '',
    modality: dataSet.string('x00080060') ?? '',
    frame,
    numberOfFrames,
    rows,
    columns,
    pixelSpacing: spacing ? [spacing[0]!, spacing[1]!] : null,
    imagePositionPatient: position ? [position[0]!, position[1]!, position[2]!] : null,
    imageOrientationPatient: orientation ? (orientation as SliceGeometry['imageOrientationPatient']) : null,
    stored,
    rescaleSlope: dataSet.floatString('x00281053') ?? 1,
    rescaleIntercept: dataSet.floatString('x00281052') ?? 0,
    pixelRepresentation,
    bitsStored,
  };
}
