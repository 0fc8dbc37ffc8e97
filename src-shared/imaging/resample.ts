/**
 * One separable resampler for every resize in the app: thumbnails (box), the models' inputs
 * (bilinear, as PyTorch and ONNX Resize), HealthGPT's CLIP input (bicubic, 8-bit, as PIL) and the
 * super-resolution panel's baseline (bicubic, float). It follows Pillow's Image.resize: pixel
 * centres aligned ((x + 0.5) · in/out), taps outside the image dropped and the rest renormalised,
 * rows first, then columns. Pure: no Node, no DOM.
 */

export type ResampleKernel = 'box' | 'bilinear' | 'bicubic';

export interface ResampleOptions {
  kernel: ResampleKernel;
  /**
   * Widen the kernel by the reduction when shrinking, so every input pixel counts (Pillow's
   * way; the default). Off gives PyTorch's interpolate(…, antialias=False) and ONNX Resize,
   * which sample the kernel at its own width whatever the scale.
   */
  antialias?: boolean;
}

/** Interleaved samples, row-major: width × height × channels of them. */
export interface Raster<Data> {
  width: number;
  height: number;
  channels: number;
  data: Data;
}

/** The Keys cubic convolution kernel with a = −0.5 (Pillow's BICUBIC): 1 at 0, 0 at every other integer, support [−2, 2]. */
export function cubicKernel(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

function triangleKernel(x: number): number {
  const t = Math.abs(x);
  return t < 1 ? 1 - t : 0;
}

function boxKernel(x: number): number {
  return x > -0.5 && x <= 0.5 ? 1 : 0;
}

const kernels: Record<ResampleKernel, { at: (x: number) => number; support: number }> = {
  box: { at: boxKernel, support: 0.5 },
  bilinear: { at: triangleKernel, support: 1 },
  bicubic: { at: cubicKernel, support: 2 },
};

/** For each output sample along one axis: the first input sample it reads, how many, and their weights (summing to 1). */
export interface Taps {
  first: Int32Array;
  count: Int32Array;
  /** `stride` weights per output sample. */
  weights: Float64Array;
  stride: number;
}

export function resampleTaps(inputSize: number, outputSize: number, options: ResampleOptions): Taps {
  const kernel = kernels[options.kernel];
  const ratio = inputSize / outputSize;
  const stretch = options.antialias === false ? 1 : Math.max(1, ratio);
  const support = kernel.support * stretch;
  const stride = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outputSize);
  const count = new Int32Array(outputSize);
  const weights = new Float64Array(outputSize * stride);
  for (let out = 0; out < outputSize; out += 1) {
    const centre = (out + 0.5) * ratio;
    const start = Math.max(0, Math.trunc(centre - support + 0.5));
    const end = Math.min(inputSize, Math.trunc(centre + support + 0.5));
    let total = 0;
    for (let i = start; i < end; i += 1) {
      const weight = kernel.at((i - centre + 0.5) / stretch);
      weights[out * stride + (i - start)] = weight;
      total += weight;
    }
    if (total !== 0) for (let i = 0; i < end - start; i += 1) weights[out * stride + i]! /= total;
    first[out] = start;
    count[out] = end - start;
  }
  return { first, count, weights, stride };
}

function checkSizes(image: Raster<ArrayLike<number>>, width: number, height: number): void {
  if (image.data.length !== image.width * image.height * image.channels) {
    throw new Error(`The image has ${image.data.length} values, not ${image.width}×${image.height}×${image.channels}`);
  }
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1)) throw new Error(`The output size must be whole numbers of at least 1×1, not ${width}×${height}`);
}

/** One pass along one axis; `weightAs` gives the weights' form (float or fixed point), `store` turns each weighted sum into the output's sample. */
function pass(
  image: Raster<ArrayLike<number>>,
  outputSize: number,
  horizontal: boolean,
  weightAs: (weight: number) => number,
  options: ResampleOptions,
  store: (sum: number) => number,
  output: Float64Array | Float32Array | Uint8Array,
): void {
  const { width, height, channels, data } = image;
  const t = resampleTaps(horizontal ? width : height, outputSize, options);
  const weights = t.weights.map(weightAs);
  const outWidth = horizontal ? outputSize : width;
  const outHeight = horizontal ? height : outputSize;
  for (let y = 0; y < outHeight; y += 1) {
    for (let x = 0; x < outWidth; x += 1) {
      const o = horizontal ? x : y;
      const start = t.first[o]!;
      const base = o * t.stride;
      for (let c = 0; c < channels; c += 1) {
        let sum = 0;
        for (let k = 0; k < t.count[o]!; k += 1) {
          const at = horizontal ? (y * width + start + k) * channels + c : ((start + k) * width + x) * channels + c;
          sum += weights[base + k]! * data[at]!;
        }
        output[(y * outWidth + x) * channels + c] = store(sum);
      }
    }
  }
}

/** Resizes float samples to width × height, computing in float64. */
export function resampleFloat(image: Raster<ArrayLike<number>>, width: number, height: number, options: ResampleOptions): Raster<Float32Array> {
  checkSizes(image, width, height);
  const identity = (value: number): number => value;
  const across = new Float64Array(width * image.height * image.channels);
  pass(image, width, true, identity, options, identity, across);
  const data = new Float32Array(width * height * image.channels);
  pass({ width, height: image.height, channels: image.channels, data: across }, height, false, identity, options, identity, data);
  return { width, height, channels: image.channels, data };
}

/** Pillow's fixed-point precision for 8-bit images (PRECISION_BITS = 32 − 8 − 2). */
const precisionBits = 22;

/** A weight as Pillow's normalize_coeffs_8bpc rounds it. */
function fixedPoint(weight: number): number {
  return Math.trunc(weight < 0 ? -0.5 + weight * (1 << precisionBits) : 0.5 + weight * (1 << precisionBits));
}

function clip8(sum: number): number {
  const value = Math.floor((sum + (1 << (precisionBits - 1))) / (1 << precisionBits));
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

/**
 * Resizes bytes as Pillow does for 8-bit modes: integer weights, each pass rounded and clipped
 * to 0–255, and a pass only along an axis whose size changes, so results match Pillow exactly.
 */
export function resampleBytes(image: Raster<Uint8Array>, width: number, height: number, options: ResampleOptions): Raster<Uint8Array> {
  checkSizes(image, width, height);
  let current = image;
  if (width !== current.width) {
    const data = new Uint8Array(width * current.height * current.channels);
    pass(current, width, true, fixedPoint, options, clip8, data);
    current = { width, height: current.height, channels: current.channels, data };
  }
  if (height !== current.height) {
    const data = new Uint8Array(width * height * current.channels);
    pass(current, height, false, fixedPoint, options, clip8, data);
    current = { width, height, channels: current.channels, data };
  }
  return current;
}
