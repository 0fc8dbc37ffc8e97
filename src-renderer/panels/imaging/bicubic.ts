/**
 * Bicubic upsampling of a single-channel float image, the baseline an AI super-resolution is
 * compared with. Separable Keys cubic (a = -0.5) with pixel centres aligned ((x + 0.5) / scale),
 * taps outside the image dropped and the remaining weights renormalised, rows first, then
 * columns: the convention of PIL's Image.resize(BICUBIC), so an independent reading agrees. The
 * resampler itself is the shared one (src-shared/imaging/resample); this adapts the panel's images.
 */
import { cubicKernel, resampleFloat } from '../../../src-shared/imaging/resample';

export interface FloatImage {
  width: number;
  height: number;
  /** Row-major values, width × height of them. */
  pixels: Float32Array;
}

export { cubicKernel };

/** Resizes to exactly outputWidth × outputHeight (src-shared/imaging/resample, in float64). */
export function resizeBicubic(image: FloatImage, outputWidth: number, outputHeight: number): FloatImage {
  const out = resampleFloat({ width: image.width, height: image.height, channels: 1, data: image.pixels }, outputWidth, outputHeight, { kernel: 'bicubic' });
  return { width: out.width, height: out.height, pixels: out.data };
}

/** Upsamples by an integer factor (the super-resolution scales, ×2 and ×4). */
export function upsampleBicubic(image: FloatImage, scale: number): FloatImage {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`The scale must be a whole number ≥ 1, not ${scale}`);
  return resizeBicubic(image, image.width * scale, image.height * scale);
}

/** A rectangle of an image, clamped to it; x0/y0 inclusive, x1/y1 exclusive. */
export function cropImage(image: FloatImage, region: { x0: number; y0: number; x1: number; y1: number }): FloatImage {
  const x0 = Math.max(0, Math.min(image.width - 1, Math.floor(region.x0)));
  const y0 = Math.max(0, Math.min(image.height - 1, Math.floor(region.y0)));
  const x1 = Math.max(x0 + 1, Math.min(image.width, Math.ceil(region.x1)));
  const y1 = Math.max(y0 + 1, Math.min(image.height, Math.ceil(region.y1)));
  const width = x1 - x0;
  const height = y1 - y0;
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y += 1) pixels.set(image.pixels.subarray((y0 + y) * image.width + x0, (y0 + y) * image.width + x1), y * width);
  return { width, height, pixels };
}
