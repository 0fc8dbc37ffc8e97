/**
 * The modality LUT stage (PS3.3 C.11.1): stored values to modality units by Rescale Slope
 * (0028,1053) and Rescale Intercept (0028,1052). Pure: no Node, no DOM.
 */

export interface Rescale {
  slope: number;
  intercept: number;
}

/** A slope that is absent, zero or not a number means the identity (a zero slope would erase the image). */
export function usableRescale(slope: number | undefined | null, intercept: number | undefined | null): Rescale {
  return {
    slope: slope !== undefined && slope !== null && Number.isFinite(slope) && slope !== 0 ? slope : 1,
    intercept: intercept !== undefined && intercept !== null && Number.isFinite(intercept) ? intercept : 0,
  };
}

/** Every stored value × slope + intercept, in float64 so large slopes keep their precision. */
export function applyRescale(stored: ArrayLike<number>, rescale: Rescale): Float64Array {
  const out = new Float64Array(stored.length);
  for (let i = 0; i < stored.length; i += 1) out[i] = (stored[i] ?? 0) * rescale.slope + rescale.intercept;
  return out;
}
