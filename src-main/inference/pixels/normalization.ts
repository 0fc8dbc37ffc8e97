import type { Normalization } from '../../../src-shared/inference/manifest';

/** A normalisation fixed for one image: forward to the model's range and back. */
export interface FittedNormalization {
  forward(value: number): number;
  inverse(value: number): number;
}

/** The p-th percentile (0–100) by linear interpolation between order statistics, as numpy's default. */
export function percentile(sorted: Float32Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

function clipAndScale(low: number, high: number): FittedNormalization {
  // A flat image has no range to scale; a width of 1 keeps it finite and invertible.
  const width = high > low ? high - low : 1;
  return {
    forward: (value) => (Math.min(high, Math.max(low, value)) - low) / width,
    inverse: (value) => value * width + low,
  };
}

/**
 * Fits the task's normalisation to one image's values (modality units when the task
 * applies the modality LUT, stored values otherwise). Percentiles are per image, and the
 * inverse uses the same ones, so a model's output lands back in the input's range.
 */
export function fitNormalization(normalization: Normalization, values: Float32Array): FittedNormalization {
  switch (normalization.kind) {
    case 'hu-window':
      return clipAndScale(normalization.center - normalization.width / 2, normalization.center + normalization.width / 2);
    case 'percentile': {
      const sorted = Float32Array.from(values).sort();
      return clipAndScale(percentile(sorted, normalization.lowPercentile), percentile(sorted, normalization.highPercentile));
    }
    case 'fixed-scale': {
      const { scale, offset } = normalization;
      if (scale === 0) throw new Error('the task\'s fixed-scale normalisation has scale 0, which cannot be inverted');
      return { forward: (value) => value * scale + offset, inverse: (value) => (value - offset) / scale };
    }
  }
}
