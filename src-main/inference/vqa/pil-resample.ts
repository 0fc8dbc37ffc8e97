import { resampleBytes } from '../../../src-shared/imaging/resample';

/**
 * Resizes an 8-bit grayscale image the way Pillow's `Image.resize(size, BILINEAR)` does,
 * because the closed-VQA model was trained on images prepared with it: a triangle filter whose
 * support widens with the downscale factor (antialiasing), horizontally then vertically, in
 * Pillow's fixed point (the shared resampler, src-shared/imaging/resample).
 */
export function resizeGrayscaleLikePillow(pixels: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  return resampleBytes({ width, height, channels: 1, data: pixels }, outWidth, outHeight, { kernel: 'bilinear' }).data;
}
