import type { DataSet } from 'dicom-parser';
import { canDecodeTransferSyntax, decodeFrame, PixelDecodeError, transferSyntaxName, type DecodedFrame } from '../../dicom/pixel-decoding/decode-frame';
import type { RasterImage } from './png-encoder';

/** Syntaxes a thumbnail can be made from: those the main process decodes (src-main/dicom/pixel-decoding). */
export function thumbnailCanDecode(transferSyntaxUid: string): boolean {
  return canDecodeTransferSyntax(transferSyntaxUid);
}

export function describeTransferSyntax(uid: string): string {
  return transferSyntaxName(uid);
}

/** Why a frame cannot be made into a thumbnail; thrown by renderFrame and reported as "unavailable". */
export class NoThumbnail extends Error {
  override name = 'NoThumbnail';
}

function firstNumber(dataSet: DataSet, tag: string): number | undefined {
  const value = dataSet.floatString(tag, 0);
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/**
 * Applies the modality rescale and the first window preset (the linear VOI function of
 * PS3.3 C.11.2.1.2); without a preset, the frame's own range. MONOCHROME1 is inverted
 * so that the thumbnail looks as the modality meant it to.
 */
function windowGrey(dataSet: DataSet, monochrome1: boolean, stored: Float64Array): Uint8Array {
  const slope = firstNumber(dataSet, 'x00281053') ?? 1;
  const intercept = firstNumber(dataSet, 'x00281052') ?? 0;
  let low = Infinity;
  let high = -Infinity;
  for (let index = 0; index < stored.length; index += 1) {
    const value = (stored[index] as number) * slope + intercept;
    stored[index] = value;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  let center = firstNumber(dataSet, 'x00281050');
  let width = firstNumber(dataSet, 'x00281051');
  if (center === undefined || width === undefined || width < 1) {
    center = (low + high) / 2 + 0.5;
    width = Math.max(1, high - low + 1);
  }
  const invert = monochrome1;
  const out = new Uint8Array(stored.length);
  const bottom = center - 0.5 - (width - 1) / 2;
  const top = center - 0.5 + (width - 1) / 2;
  for (let index = 0; index < stored.length; index += 1) {
    const value = stored[index] as number;
    let grey: number;
    if (value <= bottom) grey = 0;
    else if (value > top) grey = 255;
    else grey = ((value - (center - 0.5)) / Math.max(width - 1, 1) + 0.5) * 255;
    grey = Math.round(Math.min(255, Math.max(0, grey)));
    out[index] = invert ? 255 - grey : grey;
  }
  return out;
}

/** Box-filter downsampling so that the longer side is at most maxSide; smaller images keep their size. */
export function downsample(image: RasterImage, maxSide: number): RasterImage {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  if (width === image.width && height === image.height) return image;
  const { channels } = image;
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    const y0 = Math.floor((y * image.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height));
    for (let x = 0; x < width; x += 1) {
      const x0 = Math.floor((x * image.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / width));
      for (let c = 0; c < channels; c += 1) {
        let sum = 0;
        for (let sy = y0; sy < y1; sy += 1) for (let sx = x0; sx < x1; sx += 1) sum += image.pixels[(sy * image.width + sx) * channels + c] as number;
        pixels[(y * width + x) * channels + c] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return { width, height, channels, pixels };
}

/** A thumbnail decodes one frame of at most this many megapixels; larger frames are refused rather than allowed to exhaust memory. */
const maxMegapixels = 64;

/** Renders the middle frame of an instance, in any syntax the pixel decoder reads, as an 8-bit display image. */
export async function renderFrame(dataSet: DataSet): Promise<RasterImage> {
  const transferSyntax = (dataSet.string('x00020010') ?? '1.2.840.10008.1.2').trim();
  if (!thumbnailCanDecode(transferSyntax)) throw new NoThumbnail(`the pixel data is compressed (${describeTransferSyntax(transferSyntax)}), which thumbnails do not decode`);
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData || pixelData.length === 0) throw new NoThumbnail('the instance has no pixel data');
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  if (rows * columns > maxMegapixels * 1e6) throw new NoThumbnail(`the image is ${columns}×${rows}, too large for a thumbnail`);
  const photometric = (dataSet.string('x00280004') ?? 'MONOCHROME2').trim().toUpperCase();
  const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
  if (samplesPerPixel === 1 && !photometric.startsWith('MONOCHROME')) throw new NoThumbnail(`${photometric} with one sample per pixel is not supported for thumbnails`);
  const frames = Math.max(1, dataSet.intString('x00280008') ?? 1);
  let decoded: DecodedFrame;
  try {
    decoded = await decodeFrame(dataSet, Math.floor(frames / 2));
  } catch (error) {
    if (error instanceof PixelDecodeError) throw new NoThumbnail(error.message);
    throw new NoThumbnail(`the pixel data cannot be decoded (${error instanceof Error ? error.message : String(error)})`);
  }
  if (decoded.samplesPerPixel === 1) {
    const grey = windowGrey(dataSet, photometric === 'MONOCHROME1', Float64Array.from(decoded.samples));
    return { width: decoded.columns, height: decoded.rows, channels: 1, pixels: grey };
  }
  if (decoded.bitsAllocated !== 8) throw new NoThumbnail(`${decoded.bitsAllocated}-bit colour is not supported for thumbnails`);
  return { width: decoded.columns, height: decoded.rows, channels: 3, pixels: Uint8Array.from(decoded.samples) };
}
