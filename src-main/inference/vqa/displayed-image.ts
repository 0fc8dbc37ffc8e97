import fs from 'node:fs/promises';
import type { DataSet } from 'dicom-parser';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { displayGrey } from '../../../src-shared/imaging/display';
import { interleavedToLuma } from '../../../src-shared/imaging/luma';
import { applyRescale } from '../../../src-shared/imaging/modality-lut';
import { readSlice } from '../pixels/dicom-pixels';
import { regionProblem, type PixelRegion } from '../pixels/region';
import { readDicomFile } from '../../dicom/read-file';

/** An image as a reader sees it on screen: 8-bit grayscale, row-major. */
export interface DisplayedImage {
  width: number;
  height: number;
  pixels: Uint8Array;
  /** The window applied to a DICOM slice; absent for PNG and JPEG images, which are shown as they are, and for a slice shown through its VOI LUT. */
  window?: { center: number; width: number };
  /** The file's DICOM header; absent for PNG and JPEG images. */
  header?: DataSet;
}

export interface DisplayOptions {
  frame?: number;
  /** The window to apply (LINEAR); the file's VOI, else its full range, when left out. */
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

/** A DICOM slice as the viewer first shows it: the window asked for, else the file's VOI (window or VOI LUT), else its full range. */
async function displayedDicom(filePath: string, bytes: Buffer, options: DisplayOptions): Promise<DisplayedImage> {
  const slice = await readSlice(filePath, options.frame ?? 0);
  const header = readDicomFile(new Uint8Array(bytes)).dataSet;
  const values = applyRescale(slice.stored, { slope: slice.rescaleSlope, intercept: slice.rescaleIntercept });
  const requested = options.window ? { ...options.window, lutFunction: 'LINEAR' as const } : undefined;
  const { grey, voi } = displayGrey(values, header.string('x00280004'), requested, slice.voi ?? undefined);
  const window = voi.kind === 'window' ? { center: voi.window.center, width: voi.window.width } : undefined;
  return { width: slice.columns, height: slice.rows, pixels: grey, ...(window ? { window } : {}), header };
}

/** Reads a DICOM, PNG or JPEG file as the 8-bit grayscale image a reader would see. */
export async function loadDisplayedImage(filePath: string, options: DisplayOptions = {}): Promise<DisplayedImage> {
  const bytes = await fs.readFile(filePath);
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    const png = PNG.sync.read(bytes);
    return crop({ width: png.width, height: png.height, pixels: interleavedToLuma(png.data, 4) }, options.roi);
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
    return crop({ width: decoded.width, height: decoded.height, pixels: interleavedToLuma(decoded.data, 4) }, options.roi);
  }
  return crop(await displayedDicom(filePath, bytes, options), options.roi);
}
