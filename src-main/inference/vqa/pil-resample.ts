/**
 * Resizes an 8-bit grayscale image the way Pillow's `Image.resize(size, BILINEAR)` does,
 * because the closed-VQA model was trained on images prepared with it: a triangle
 * filter whose support widens with the downscale factor (antialiasing), applied
 * horizontally then vertically, rounding to 8 bits after each pass.
 */
interface Coefficients {
  starts: Int32Array;
  counts: Int32Array;
  weights: Float64Array;
  stride: number;
}

function triangle(x: number): number {
  const distance = Math.abs(x);
  return distance < 1 ? 1 - distance : 0;
}

function coefficients(inputSize: number, outputSize: number): Coefficients {
  const scale = inputSize / outputSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const starts = new Int32Array(outputSize);
  const counts = new Int32Array(outputSize);
  const weights = new Float64Array(outputSize * stride);
  for (let out = 0; out < outputSize; out += 1) {
    const center = (out + 0.5) * scale;
    const first = Math.max(Math.trunc(center - support + 0.5), 0);
    const last = Math.min(Math.trunc(center + support + 0.5), inputSize);
    let total = 0;
    for (let index = first; index < last; index += 1) {
      const weight = triangle((index - center + 0.5) / filterScale);
      weights[out * stride + index - first] = weight;
      total += weight;
    }
    if (total !== 0) for (let k = 0; k < last - first; k += 1) weights[out * stride + k]! /= total;
    starts[out] = first;
    counts[out] = last - first;
  }
  return { starts, counts, weights, stride };
}

const clampByte = (value: number): number => (value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value));

export function resizeGrayscaleLikePillow(pixels: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  const horizontal = coefficients(width, outWidth);
  const rowsPass = new Uint8Array(outWidth * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < outWidth; x += 1) {
      let sum = 0;
      const start = horizontal.starts[x]!;
      for (let k = 0; k < horizontal.counts[x]!; k += 1) sum += pixels[y * width + start + k]! * horizontal.weights[x * horizontal.stride + k]!;
      rowsPass[y * outWidth + x] = clampByte(sum);
    }
  }
  const vertical = coefficients(height, outHeight);
  const out = new Uint8Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y += 1) {
    const start = vertical.starts[y]!;
    for (let x = 0; x < outWidth; x += 1) {
      let sum = 0;
      for (let k = 0; k < vertical.counts[y]!; k += 1) sum += rowsPass[(start + k) * outWidth + x]! * vertical.weights[y * vertical.stride + k]!;
      out[y * outWidth + x] = clampByte(sum);
    }
  }
  return out;
}
