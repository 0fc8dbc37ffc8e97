import type { DataSet } from 'dicom-parser';
import { canDecodeTransferSyntax, decodeFrame, PixelDecodeError, transferSyntaxName, type DecodedFrame } from '../../dicom/pixel-decoding/decode-frame';
import { displayGrey } from '../../../src-shared/imaging/display';
import { applyRescale } from '../../../src-shared/imaging/modality-lut';
import { resampleBytes } from '../../../src-shared/imaging/resample';
import { fileRescale, fileVoi } from '../../dicom/file-voi';
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

/** Box-filter downsampling (Pillow's BOX) so that the longer side is at most maxSide; smaller images keep their size. */
export function downsample(image: RasterImage, maxSide: number): RasterImage {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  if (width === image.width && height === image.height) return image;
  const resized = resampleBytes({ width: image.width, height: image.height, channels: image.channels, data: image.pixels }, width, height, { kernel: 'box' });
  return { width, height, channels: image.channels, pixels: resized.data };
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
    // The modality LUT, then the file's VOI (window or VOI LUT), else the full range; MONOCHROME1 inverted.
    const { grey } = displayGrey(applyRescale(decoded.samples, fileRescale(dataSet)), photometric, undefined, fileVoi(dataSet));
    return { width: decoded.columns, height: decoded.rows, channels: 1, pixels: grey };
  }
  if (decoded.bitsAllocated !== 8) throw new NoThumbnail(`${decoded.bitsAllocated}-bit colour is not supported for thumbnails`);
  return { width: decoded.columns, height: decoded.rows, channels: 3, pixels: Uint8Array.from(decoded.samples) };
}
