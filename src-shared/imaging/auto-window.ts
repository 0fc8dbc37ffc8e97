/**
 * Windows chosen from the pixels when a file states none. One rule is the default everywhere:
 * the full range of the values as a LINEAR window, which is what Cornerstone3D shows first (its
 * viewport's range is the image's minimum to maximum), so thumbnails, the models' inputs and the
 * panels all see the slice as the viewer first shows it. The 1st–99th percentile window is a
 * preset a reader picks (the viewer's "Auto (histogram)"), never a silent default.
 */
import { voiRangeToWindow, type VoiWindow } from './voi';

/** The LINEAR window whose bounds are the smallest and largest finite values; width 1 at the smallest value when all are equal or none are finite. */
export function fullRangeWindow(values: ArrayLike<number>): VoiWindow {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] ?? 0;
    if (!Number.isFinite(value)) continue;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  if (low > high) return voiRangeToWindow({ lower: 0, upper: 0 });
  return voiRangeToWindow({ lower: low, upper: high });
}

/**
 * The LINEAR window spanning the 1st to 99th percentile, from a 1024-bin histogram of at most
 * about 200,000 samples; the full range when the two percentiles meet; undefined for a flat or empty image.
 */
export function percentileWindow(values: ArrayLike<number>): VoiWindow | undefined {
  if (values.length === 0) return undefined;
  let min = Infinity;
  let max = -Infinity;
  const step = Math.max(1, Math.floor(values.length / 200_000));
  for (let i = 0; i < values.length; i += step) {
    const v = values[i] ?? 0;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) return undefined;
  const bins = 1024;
  const counts = new Uint32Array(bins);
  let total = 0;
  for (let i = 0; i < values.length; i += step) {
    const bin = Math.min(bins - 1, Math.floor((((values[i] ?? 0) - min) / (max - min)) * bins));
    counts[bin] = (counts[bin] ?? 0) + 1;
    total += 1;
  }
  const at = (fraction: number): number => {
    let seen = 0;
    for (let bin = 0; bin < bins; bin += 1) {
      seen += counts[bin] ?? 0;
      if (seen >= fraction * total) return min + ((bin + 0.5) / bins) * (max - min);
    }
    return max;
  };
  const low = at(0.01);
  const high = at(0.99);
  return high <= low ? voiRangeToWindow({ lower: min, upper: max }) : voiRangeToWindow({ lower: low, upper: high });
}
