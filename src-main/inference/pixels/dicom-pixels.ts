import fs from 'node:fs/promises';
import dicomParser from 'dicom-parser';
import { decodeFrame, PixelDecodeError, type DecodedFrame } from '../../dicom/pixel-decoding/decode-frame';
import { parseDicomBounded } from '../../dicom/sequence-depth';
import { fileRescale, fileVoi } from '../../dicom/file-voi';
import { lumaExact } from '../../../src-shared/imaging/luma';
import type { Voi } from '../../../src-shared/imaging/voi';

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
  /** As the file states it; MONOCHROME1 means low values are shown white. */
  photometricInterpretation: string;
  /** The file's VOI (its first valid window, else its VOI LUT), in modality units, when it has one. */
  voi: Voi | null;
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

/** dicom-parser throws strings, Errors, or objects carrying an `exception` string (a truncated file, say). */
function parseFailure(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && 'exception' in error && typeof error.exception === 'string') return error.exception;
  return 'not a DICOM file';
}

/** One channel: grey as is, RGB reduced to luma (ITU-R BT.601, unrounded), since the models here are greyscale. */
function singleChannel(frame: DecodedFrame): Float32Array {
  const pixels = frame.rows * frame.columns;
  const stored = new Float32Array(pixels);
  const { samples } = frame;
  if (frame.samplesPerPixel === 1) {
    for (let i = 0; i < pixels; i += 1) stored[i] = samples[i]!;
    return stored;
  }
  for (let i = 0; i < pixels; i += 1) stored[i] = lumaExact(samples[3 * i]!, samples[3 * i + 1]!, samples[3 * i + 2]!);
  return stored;
}

/**
 * Reads one frame of a DICOM file's pixels: uncompressed, deflated, RLE, JPEG lossless,
 * JPEG-LS, JPEG 2000, HTJ2K and 8-bit JPEG (src-main/dicom/pixel-decoding). Anything else,
 * and any broken stream, is refused with the reason (the transfer syntax named).
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
    // A Buffer, not a plain Uint8Array: dicom-parser inflates deflated files with Buffer.copy.
    dataSet = parseDicomBounded(buffer);
  } catch (error) {
    throw new PixelReadError(filePath, `not a readable DICOM file (${parseFailure(error)}; truncated or corrupt?)`);
  }
  if (!dataSet.elements.x7fe00010) throw new PixelReadError(filePath, 'it has no Pixel Data');
  let decoded: DecodedFrame;
  try {
    decoded = await decodeFrame(dataSet, frame);
  } catch (error) {
    // A codec's own failure (a RangeError on a broken stream, say) is refused the same way.
    const reason = error instanceof PixelDecodeError ? error.message : `the pixel data cannot be decoded (${error instanceof Error ? error.message : String(error)})`;
    throw new PixelReadError(filePath, reason);
  }
  const { rows, columns, bitsStored } = decoded;
  const numberOfFrames = Math.max(1, dataSet.intString('x00280008') ?? 1);
  const pixelRepresentation = decoded.signed ? 1 : 0;
  const stored = singleChannel(decoded);
  const spacing = numbers(dataSet, 'x00280030', 2);
  const position = numbers(dataSet, 'x00200032', 3);
  const orientation = numbers(dataSet, 'x00200037', 6);
  const rescale = fileRescale(dataSet);
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
    rescaleSlope: rescale.slope,
    rescaleIntercept: rescale.intercept,
    pixelRepresentation,
    bitsStored,
    photometricInterpretation: (dataSet.string('x00280004') ?? '').trim(),
    voi: fileVoi(dataSet) ?? null,
  };
}
