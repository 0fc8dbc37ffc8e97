import fs from 'node:fs/promises';
import type { DataSet } from 'dicom-parser';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { readSlice } from '../pixels/dicom-pixels';
import { regionProblem, type PixelRegion } from '../pixels/region';
import { readDicomFile } from '../../studies/import/parse/read-dataset';

/** An image as a reader sees it on screen: 8-bit grayscale, row-major. */
export interface DisplayedImage {
  width: number;
  height: number;
  pixels: Uint8Array;
  /** The window applied to a DICOM slice; absent for PNG and JPEG images, which are shown as they are. */
  window?: { center: number; width: number };
  /** The file's DICOM header; absent for PNG and JPEG images. */
  header?: DataSet;
}

export interface DisplayOptions {
  frame?: number;
  /** The window to apply; the file's first preset, else its full range, when left out. */
  window?: { center: number; width: number };
  /** Only this rectangle of the image (source pixels). */
  roi?: PixelRegion;
}

function crop(image: DisplayedImage, roi: PixelRegion | undefined): DisplayedImage {
  if (!roi) return image;
  const problem = regionProblem(roi, image.height, image.width);
  if (problem) throw new Error(`The region of interest does not fit: ${problem}.`);
  const pixels = new Uint8Array(roi.width * roi.height);
  for (let y = 0; y < roi.height; y += 1) pixels.set(image.pixels.subarray((roi.y + y) * image.width + roi.x, (roi.y + y) * image.width + roi.x + roi.width), y * roi.width);
  return { ...image, width: roi.width, height: roi.height, pixels };
}

/** Pillow's convert('L'): ITU-R 601-2 luma in 16-bit fixed point, so results match training exactly. */
function luminance(rgba: Uint8Array | Buffer, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let index = 0; index < out.length; index += 1) {
    const offset = index * 4;
    out[index] = (rgba[offset]! * 19595 + rgba[offset + 1]! * 38470 + rgba[offset + 2]! * 7471 + 0x8000) >> 16;
  }
  return out;
}

function firstNumber(value: string | undefined): number | undefined {
  const parsed = Number.parseFloat(value?.split('\\')[0] ?? '');
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** A DICOM slice windowed as the viewer first shows it: the file's first preset, else its full range. */
async function displayedDicom(filePath: string, bytes: Buffer, options: DisplayOptions): Promise<DisplayedImage> {
  const slice = await readSlice(filePath, options.frame ?? 0);
  const header = readDicomFile(new Uint8Array(bytes)).dataSet;
  const values = Float32Array.from(slice.stored, (stored) => stored * slice.rescaleSlope + slice.rescaleIntercept);
  let center = options.window?.center ?? firstNumber(header.string('x00281050'));
  let width = options.window?.width ?? firstNumber(header.string('x00281051'));
  if (center === undefined || width === undefined || width <= 0) {
    let low = Infinity;
    let high = -Infinity;
    for (const value of values) {
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
    center = (low + high) / 2;
    width = Math.max(high - low, 1);
  }
  const invert = header.string('x00280004')?.trim() === 'MONOCHROME1';
  const pixels = Uint8Array.from(values, (value) => {
    const level = Math.round(((value - (center - width / 2)) / width) * 255);
    const clamped = Math.min(255, Math.max(0, level));
    return invert ? 255 - clamped : clamped;
  });
  return { width: slice.columns, height: slice.rows, pixels, window: { center, width }, header };
}

/** Reads a DICOM, PNG or JPEG file as the 8-bit grayscale image a reader would see. */
export async function loadDisplayedImage(filePath: string, options: DisplayOptions = {}): Promise<DisplayedImage> {
  const bytes = await fs.readFile(filePath);
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    const png = PNG.sync.read(bytes);
    return crop({ width: png.width, height: png.height, pixels: luminance(png.data, png.width, png.height) }, options.roi);
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
    return crop({ width: decoded.width, height: decoded.height, pixels: luminance(decoded.data, decoded.width, decoded.height) }, options.roi);
  }
  return crop(await displayedDicom(filePath, bytes, options), options.roi);
}
