/**
 * Bicubic upsampling of a single-channel float image, the baseline an AI super-resolution is
 * compared with. Separable Keys cubic (a = -0.5) with pixel centres aligned ((x + 0.5) / scale),
 * taps outside the image dropped and the remaining weights renormalised, rows first, then
 * columns: the convention of PIL's Image.resize(BICUBIC), so an independent reading agrees.
 */

export interface FloatImage {
  width: number;
  height: number;
  /** Row-major values, width × height of them. */
  pixels: Float32Array;
}

const keysA = -0.5;

/** The Keys cubic convolution kernel; 1 at 0, 0 at every other integer, support [-2, 2]. */
export function cubicKernel(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return ((keysA + 2) * t - (keysA + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * keysA;
  return 0;
}

interface Taps {
  first: Int32Array;
  count: Int32Array;
  /** `maxTaps` weights per output sample. */
  weights: Float64Array;
  maxTaps: number;
}

/** For each output sample along one axis, the input samples it reads and their weights. */
function tapsFor(inputSize: number, outputSize: number): Taps {
  const ratio = inputSize / outputSize;
  // Upsampling keeps the kernel at its own width; downsampling widens it to average.
  const stretch = Math.max(1, ratio);
  const support = 2 * stretch;
  const maxTaps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outputSize);
  const count = new Int32Array(outputSize);
  const weights = new Float64Array(outputSize * maxTaps);
  for (let out = 0; out < outputSize; out += 1) {
    const centre = (out + 0.5) * ratio;
    const start = Math.max(0, Math.trunc(centre - support + 0.5));
    const end = Math.min(inputSize, Math.trunc(centre + support + 0.5));
    let total = 0;
    for (let i = start; i < end; i += 1) {
      const weight = cubicKernel((i - centre + 0.5) / stretch);
      weights[out * maxTaps + (i - start)] = weight;
      total += weight;
    }
    if (total !== 0) for (let i = 0; i < end - start; i += 1) weights[out * maxTaps + i]! /= total;
    first[out] = start;
    count[out] = end - start;
  }
  return { first, count, weights, maxTaps };
}

/** Resizes to exactly outputWidth × outputHeight. */
export function resizeBicubic(image: FloatImage, outputWidth: number, outputHeight: number): FloatImage {
  const { width, height, pixels } = image;
  if (pixels.length !== width * height) throw new Error(`The image has ${pixels.length} values, not ${width}×${height}`);
  if (!(outputWidth >= 1 && outputHeight >= 1)) throw new Error('The output size must be at least 1×1');
  const across = tapsFor(width, outputWidth);
  const down = tapsFor(height, outputHeight);
  // Horizontal pass into a float64 buffer, then the vertical pass.
  const rowsDone = new Float64Array(outputWidth * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    for (let x = 0; x < outputWidth; x += 1) {
      const start = across.first[x]!;
      const base = x * across.maxTaps;
      let sum = 0;
      for (let k = 0; k < across.count[x]!; k += 1) sum += across.weights[base + k]! * pixels[row + start + k]!;
      rowsDone[y * outputWidth + x] = sum;
    }
  }
  const result = new Float32Array(outputWidth * outputHeight);
  for (let y = 0; y < outputHeight; y += 1) {
    const start = down.first[y]!;
    const base = y * down.maxTaps;
    for (let x = 0; x < outputWidth; x += 1) {
      let sum = 0;
      for (let k = 0; k < down.count[y]!; k += 1) sum += down.weights[base + k]! * rowsDone[(start + k) * outputWidth + x]!;
      result[y * outputWidth + x] = sum;
    }
  }
  return { width: outputWidth, height: outputHeight, pixels: result };
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
