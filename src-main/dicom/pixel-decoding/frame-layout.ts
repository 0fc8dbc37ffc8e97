import type { DataSet } from 'dicom-parser';

/** Stored sample values of one frame, in the container width Bits Allocated and Pixel Representation call for. */
export type StoredSamples = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** One decoded frame: stored values (before the modality LUT), pixel-interleaved when there are three samples. */
export interface DecodedFrame {
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  bitsAllocated: 8 | 16 | 32;
  bitsStored: number;
  signed: boolean;
  /** What the returned samples are: the header's value for grey, and always 'RGB' for colour (YBR is converted). */
  photometricInterpretation: string;
  transferSyntaxUid: string;
  samples: StoredSamples;
}

/** Why a frame cannot be decoded; the message names the file's syntax or the broken part. */
export class PixelDecodeError extends Error {
  override name = 'PixelDecodeError';
}

export interface FrameLayout {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: 1 | 3;
  bitsAllocated: 8 | 16 | 32;
  bitsStored: number;
  signed: boolean;
  photometricInterpretation: string;
  planar: boolean;
}

export function frameLayout(dataSet: DataSet): FrameLayout {
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  const bitsAllocated = dataSet.uint16('x00280100') ?? 0;
  const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
  if (!(rows > 0 && columns > 0)) throw new PixelDecodeError('Rows or Columns is missing');
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) throw new PixelDecodeError(`Bits Allocated ${bitsAllocated} is not supported`);
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw new PixelDecodeError(`Samples per Pixel ${samplesPerPixel} is not supported`);
  const bitsStored = dataSet.uint16('x00280101') ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw new PixelDecodeError(`Bits Stored ${bitsStored} does not fit Bits Allocated ${bitsAllocated}`);
  return {
    rows,
    columns,
    frames: Math.max(1, dataSet.intString('x00280008') ?? 1),
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    signed: dataSet.uint16('x00280103') === 1,
    photometricInterpretation: (dataSet.string('x00280004') ?? 'MONOCHROME2').trim().toUpperCase(),
    planar: dataSet.uint16('x00280006') === 1,
  };
}

export function samplesPerFrame(layout: FrameLayout): number {
  return layout.rows * layout.columns * layout.samplesPerPixel;
}

function emptySamples(layout: FrameLayout, count: number): StoredSamples {
  if (layout.bitsAllocated === 8) return layout.signed ? new Int8Array(count) : new Uint8Array(count);
  if (layout.bitsAllocated === 16) return layout.signed ? new Int16Array(count) : new Uint16Array(count);
  return layout.signed ? new Int32Array(count) : new Uint32Array(count);
}

/**
 * Copies raw sample values (whatever integer container a codec answered in) into the frame's
 * own container, keeping only Bits Stored and sign-extending when signed (PS3.5 8.1.1): codecs
 * disagree on whether they sign-extend, and stray high bits occur in real files.
 * `planar` reorders colour-by-plane into colour-by-pixel.
 */
export function toStoredSamples(layout: FrameLayout, raw: ArrayLike<number>, planar: boolean): StoredSamples {
  const count = samplesPerFrame(layout);
  if (raw.length < count) throw new PixelDecodeError(`the decoded frame has ${raw.length} samples, not the ${count} the header says`);
  const out = emptySamples(layout, count);
  const bits = layout.bitsStored;
  const modulus = 2 ** bits;
  const signBit = modulus / 2;
  const fit = (value: number): number => {
    if (bits >= 32) return value;
    const v = ((value % modulus) + modulus) % modulus;
    return layout.signed && v >= signBit ? v - modulus : v;
  };
  const pixels = layout.rows * layout.columns;
  if (planar && layout.samplesPerPixel === 3) {
    for (let p = 0; p < pixels; p += 1) for (let s = 0; s < 3; s += 1) out[p * 3 + s] = fit(raw[s * pixels + p]!);
  } else {
    for (let i = 0; i < count; i += 1) out[i] = fit(raw[i]!);
  }
  return out;
}

/** YBR_FULL to RGB in place (PS3.3 C.7.6.3.1.2), for 8-bit colour. */
export function ybrFullToRgb(samples: StoredSamples, maxValue: number): void {
  const half = (maxValue + 1) / 2;
  const clamp = (value: number): number => Math.min(maxValue, Math.max(0, Math.round(value)));
  for (let i = 0; i + 2 < samples.length; i += 3) {
    const y = samples[i]!;
    const cb = samples[i + 1]! - half;
    const cr = samples[i + 2]! - half;
    samples[i] = clamp(y + 1.402 * cr);
    samples[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
    samples[i + 2] = clamp(y + 1.772 * cb);
  }
}
