/**
 * HealthGPT's image path for a DICOM slice: the viewer's windowed pixels become an RGB image, which
 * is padded to a square with CLIP's mean colour (HealthGPT's expand2square), resized with PIL's
 * bicubic filter (CLIPImageProcessor resizes through PIL) and normalised with CLIP's mean and std.
 * The resize reproduces PIL's fixed-point two-pass algorithm so pixels match PIL exactly.
 */
import { resampleBytes } from '../../../src-shared/imaging/resample';
import { voiToGrey } from '../../../src-shared/imaging/voi';

export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved R, G, B bytes, row-major. */
  data: Uint8Array;
}

/** Grey levels (one byte a pixel, e.g. a windowed CT slice) or RGB, as the viewer renders them. */
export interface PixelImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

export interface Roi {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** DICOM's LINEAR VOI window (PS3.3 C.11.2.1.2) from modality values to 8-bit grey (src-shared/imaging/voi). */
export function windowToGrey(values: ArrayLike<number>, center: number, width: number): Uint8Array {
  return voiToGrey(values, { kind: 'window', window: { center, width, lutFunction: 'LINEAR' } });
}

/** PIL's convert('RGB'): grey is copied into all three channels. */
export function toRgb(image: PixelImage, roi?: Roi): RgbImage {
  const box = roi ?? { x: 0, y: 0, width: image.width, height: image.height };
  if (box.x < 0 || box.y < 0 || box.width < 1 || box.height < 1 || box.x + box.width > image.width || box.y + box.height > image.height) {
    throw new Error(`region ${JSON.stringify(box)} is outside the ${image.width}×${image.height} image`);
  }
  const data = new Uint8Array(box.width * box.height * 3);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const src = ((box.y + y) * image.width + box.x + x) * image.channels;
      const dst = (y * box.width + x) * 3;
      for (let c = 0; c < 3; c++) data[dst + c] = image.data[src + (image.channels === 3 ? c : 0)] ?? 0;
    }
  }
  return { width: box.width, height: box.height, data };
}

/** expand2square: the image centred on a square of `fill`, offset by floor((long - short) / 2). */
export function expandToSquare(image: RgbImage, fill: readonly [number, number, number]): RgbImage {
  const side = Math.max(image.width, image.height);
  if (image.width === image.height) return image;
  const data = new Uint8Array(side * side * 3);
  for (let i = 0; i < side * side; i++) data.set(fill, i * 3);
  const offX = Math.floor((side - image.width) / 2);
  const offY = Math.floor((side - image.height) / 2);
  for (let y = 0; y < image.height; y++) {
    data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((offY + y) * side + offX) * 3);
  }
  return { width: side, height: side, data };
}

/** Image.resize((w, h), BICUBIC) on 8-bit RGB, exactly as Pillow computes it (src-shared/imaging/resample). */
export function resizeBicubic(image: RgbImage, width: number, height: number): RgbImage {
  const out = resampleBytes({ width: image.width, height: image.height, channels: 3, data: image.data }, width, height, { kernel: 'bicubic' });
  return { width: out.width, height: out.height, data: out.data };
}

export interface ClipImageSettings {
  size: number;
  mean: readonly number[];
  std: readonly number[];
  padToSquare: boolean;
}

/** The pixel_values tensor [1, 3, size, size] for the vision encoder. */
export function clipPixelValues(image: RgbImage, s: ClipImageSettings): Float32Array {
  const fill = s.mean.map((m) => Math.trunc(m * 255)) as [number, number, number];
  let square = s.padToSquare ? expandToSquare(image, fill) : image;
  square = resizeBicubic(square, s.size, s.size);
  const plane = s.size * s.size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      out[c * plane + i] = ((square.data[i * 3 + c] ?? 0) / 255 - (s.mean[c] ?? 0)) / (s.std[c] ?? 1);
    }
  }
  return out;
}
