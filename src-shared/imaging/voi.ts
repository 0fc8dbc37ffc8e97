/**
 * The VOI LUT stage of the grayscale pipeline (DICOM PS3.3 C.11.2.1.2): modality values to
 * display levels, by a window (LINEAR, LINEAR_EXACT or SIGMOID, per VOI LUT Function) or by a
 * VOI LUT Sequence. Levels are fractions in [0, 1] of the output range (ymin = 0, ymax = 1),
 * so each caller scales them to its own bit depth. Pure: no Node, no DOM.
 */

export type VoiLutFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

export interface VoiWindow {
  center: number;
  width: number;
  /** VOI LUT Function (0028,1056); LINEAR when the file has none, as the standard says. */
  lutFunction: VoiLutFunction;
}

/** One item of the VOI LUT Sequence (0028,3010): LUT Descriptor (0028,3002) and LUT Data (0028,3006). */
export interface VoiLut {
  /** The first input value mapped (descriptor's second value); inputs below it take the first entry. */
  firstValueMapped: number;
  /** Bits per entry (descriptor's third value): entries run from 0 to 2^bits − 1. */
  bitsPerEntry: number;
  data: ArrayLike<number>;
}

export type Voi = { kind: 'window'; window: VoiWindow } | { kind: 'lut'; lut: VoiLut };

/** VOI LUT Function as written in a file; absent or unknown values mean LINEAR (C.11.2.1.3). */
export function parseVoiLutFunction(text: string | undefined | null): VoiLutFunction {
  const value = text?.trim().toUpperCase();
  return value === 'LINEAR_EXACT' || value === 'SIGMOID' ? value : 'LINEAR';
}

/**
 * Why a window cannot be used, or undefined when it can. LINEAR needs a width of at least 1
 * (C.11.2.1.2.1); LINEAR_EXACT and SIGMOID need a width above 0 (C.11.2.1.3.1, C.11.2.1.3.2).
 */
export function windowProblem(window: VoiWindow): string | undefined {
  if (!Number.isFinite(window.center) || !Number.isFinite(window.width)) return 'the window centre and width must be finite numbers';
  if (window.lutFunction === 'LINEAR' && window.width < 1) return `a LINEAR window's width must be at least 1, not ${window.width}`;
  if (window.width <= 0) return `a ${window.lutFunction} window's width must be above 0, not ${window.width}`;
  return undefined;
}

/** The level of one value under a valid window (see windowProblem), in [0, 1]. */
export function windowLevel(x: number, window: VoiWindow): number {
  const { center: c, width: w } = window;
  switch (window.lutFunction) {
    case 'LINEAR': {
      // C.11.2.1.2.1: x ≤ c − 0.5 − (w − 1)/2 → ymin; x > c − 0.5 + (w − 1)/2 → ymax.
      if (x <= c - 0.5 - (w - 1) / 2) return 0;
      if (x > c - 0.5 + (w - 1) / 2) return 1;
      return (x - (c - 0.5)) / (w - 1) + 0.5;
    }
    case 'LINEAR_EXACT': {
      if (x <= c - w / 2) return 0;
      if (x > c + w / 2) return 1;
      return (x - c) / w + 0.5;
    }
    case 'SIGMOID':
      return 1 / (1 + Math.exp((-4 * (x - c)) / w));
  }
}

/** The level of one value through a VOI LUT: inputs outside the table take its first or last entry. */
export function lutLevel(x: number, lut: VoiLut): number {
  if (lut.data.length === 0) throw new Error('the VOI LUT has no entries');
  return (lut.data[lutIndex(x, lut)] ?? 0) / lutTop(lut);
}

function lutIndex(x: number, lut: VoiLut): number {
  return Math.min(lut.data.length - 1, Math.max(0, Math.floor(x - lut.firstValueMapped)));
}

/** The largest entry value a LUT's bit depth allows; a table that exceeds it (a mislabelled file) is scaled by its own largest entry. */
function lutTop(lut: VoiLut): number {
  const declared = 2 ** Math.min(32, Math.max(1, Math.round(lut.bitsPerEntry))) - 1;
  let largest = 0;
  for (let i = 0; i < lut.data.length; i += 1) largest = Math.max(largest, lut.data[i] ?? 0);
  return largest > declared ? largest : declared;
}

export function voiLevel(x: number, voi: Voi): number {
  return voi.kind === 'window' ? windowLevel(x, voi.window) : lutLevel(x, voi.lut);
}

/**
 * Modality values to 8-bit display levels: the VOI stage, then MONOCHROME1's inversion
 * (the presentation LUT's INVERSE, C.11.6). Throws on a window that windowProblem refuses.
 */
export function voiToGrey(values: ArrayLike<number>, voi: Voi, invert = false): Uint8Array {
  if (voi.kind === 'window') {
    const problem = windowProblem(voi.window);
    if (problem) throw new Error(`The window cannot be applied: ${problem}.`);
  } else if (voi.lut.data.length === 0) throw new Error('The VOI LUT cannot be applied: it has no entries.');
  const out = new Uint8Array(values.length);
  const top = voi.kind === 'lut' ? lutTop(voi.lut) : 1;
  for (let i = 0; i < values.length; i += 1) {
    const x = values[i] ?? 0;
    let level: number;
    if (voi.kind === 'window') level = windowLevel(x, voi.window);
    else level = (voi.lut.data[lutIndex(x, voi.lut)] ?? 0) / top;
    const grey = Math.round(level * 255);
    out[i] = invert ? 255 - grey : grey;
  }
  return out;
}

/**
 * The [lower, upper] input range a window spans, as Cornerstone3D's viewports express a VOI
 * (its utilities.windowLevel.toLowHighRange): LINEAR_EXACT spans c ± w/2; LINEAR and SIGMOID
 * use LINEAR's bounds.
 */
export function windowToVoiRange(window: VoiWindow): { lower: number; upper: number } {
  if (window.lutFunction === 'LINEAR_EXACT') return { lower: window.center - window.width / 2, upper: window.center + window.width / 2 };
  return { lower: window.center - 0.5 - (window.width - 1) / 2, upper: window.center - 0.5 + (window.width - 1) / 2 };
}

/** The window whose range is [lower, upper]: the inverse of windowToVoiRange. */
export function voiRangeToWindow(range: { lower: number; upper: number }, lutFunction: VoiLutFunction = 'LINEAR'): VoiWindow {
  if (lutFunction === 'LINEAR_EXACT') return { center: (range.lower + range.upper) / 2, width: range.upper - range.lower, lutFunction };
  return { center: (range.upper + range.lower) / 2 + 0.5, width: range.upper - range.lower + 1, lutFunction };
}
