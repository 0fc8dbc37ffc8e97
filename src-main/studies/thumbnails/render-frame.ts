import type { DataSet } from 'dicom-parser';
import { decodeJpegBaselineFrame, jpegBaselineTransferSyntax } from './jpeg-baseline-frame';
import type { RasterImage } from './png-encoder';

/** Transfer syntaxes whose pixel data is stored as plain samples (deflate is inflated by the parser). */
export const uncompressedTransferSyntaxes = new Set([
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2.1.99',
]);

const transferSyntaxNames: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'JPEG baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG extended',
  '1.2.840.10008.1.2.4.57': 'JPEG lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS near-lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K lossless',
  '1.2.840.10008.1.2.4.202': 'HTJ2K lossless RPCL',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
  '1.2.840.10008.1.2.5': 'RLE lossless',
  '1.2.840.10008.1.2.8.1': 'deflated image frame compression',
};

/** Syntaxes a thumbnail can be made from: the uncompressed ones, and JPEG baseline (decoded in JavaScript). */
export function thumbnailCanDecode(transferSyntaxUid: string): boolean {
  return uncompressedTransferSyntaxes.has(transferSyntaxUid) || transferSyntaxUid === jpegBaselineTransferSyntax;
}

export function describeTransferSyntax(uid: string): string {
  return transferSyntaxNames[uid] ? `${transferSyntaxNames[uid]} (${uid})` : uid;
}

/** Why a frame cannot be made into a thumbnail; thrown by renderFrame and reported as "unavailable". */
export class NoThumbnail extends Error {
  override name = 'NoThumbnail';
}

function firstNumber(dataSet: DataSet, tag: string): number | undefined {
  const value = dataSet.floatString(tag, 0);
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

interface PixelLayout {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  photometric: string;
  planar: boolean;
}

function layoutOf(dataSet: DataSet): PixelLayout {
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  const bitsAllocated = dataSet.uint16('x00280100') ?? 0;
  if (!(rows > 0 && columns > 0)) throw new NoThumbnail('the instance has no image size (Rows/Columns)');
  return {
    rows,
    columns,
    frames: Math.max(1, dataSet.intString('x00280008') ?? 1),
    samplesPerPixel: dataSet.uint16('x00280002') ?? 1,
    bitsAllocated,
    bitsStored: dataSet.uint16('x00280101') ?? bitsAllocated,
    signed: dataSet.uint16('x00280103') === 1,
    photometric: (dataSet.string('x00280004') ?? 'MONOCHROME2').toUpperCase(),
    planar: dataSet.uint16('x00280006') === 1,
  };
}

/** Stored values of one greyscale frame, sign-extended from Bits Stored, as numbers. */
function greyFrame(dataSet: DataSet, layout: PixelLayout, frame: number, offset: number, length: number): Float64Array {
  const count = layout.rows * layout.columns;
  const bytesPerSample = layout.bitsAllocated / 8;
  const start = offset + frame * count * bytesPerSample;
  if (start + count * bytesPerSample > offset + length) throw new NoThumbnail('the pixel data is shorter than the image size says');
  const view = new DataView(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + start, count * bytesPerSample);
  const littleEndian = dataSet.byteArrayParser.readUint16(new Uint8Array([1, 0]), 0) === 1;
  const mask = layout.bitsStored >= 32 ? 0xffffffff : 2 ** layout.bitsStored - 1;
  const signBit = 2 ** (layout.bitsStored - 1);
  const values = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    let raw: number;
    if (bytesPerSample === 1) raw = view.getUint8(index);
    else if (bytesPerSample === 2) raw = view.getUint16(index * 2, littleEndian);
    else raw = view.getUint32(index * 4, littleEndian);
    raw = bytesPerSample === 4 && layout.bitsStored >= 32 ? raw : raw & mask;
    values[index] = layout.signed && raw >= signBit ? raw - 2 * signBit : raw;
  }
  return values;
}

/**
 * Applies the modality rescale and the first window preset (the linear VOI function of
 * PS3.3 C.11.2.1.2); without a preset, the frame's own range. MONOCHROME1 is inverted
 * so that the thumbnail looks as the modality meant it to.
 */
function windowGrey(dataSet: DataSet, layout: PixelLayout, stored: Float64Array): Uint8Array {
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
  const invert = layout.photometric === 'MONOCHROME1';
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

function colourFrame(dataSet: DataSet, layout: PixelLayout, frame: number, offset: number, length: number): Uint8Array {
  if (layout.bitsAllocated !== 8) throw new NoThumbnail(`${layout.bitsAllocated}-bit colour is not supported for thumbnails`);
  const count = layout.rows * layout.columns;
  const start = offset + frame * count * 3;
  if (start + count * 3 > offset + length) throw new NoThumbnail('the pixel data is shorter than the image size says');
  const source = dataSet.byteArray.subarray(start, start + count * 3);
  const out = new Uint8Array(count * 3);
  const ybr = layout.photometric === 'YBR_FULL';
  for (let index = 0; index < count; index += 1) {
    const [a, b, c] = layout.planar
      ? [source[index] as number, source[count + index] as number, source[2 * count + index] as number]
      : [source[index * 3] as number, source[index * 3 + 1] as number, source[index * 3 + 2] as number];
    if (ybr) {
      // YBR_FULL to RGB, PS3.3 C.7.6.3.1.2.
      out[index * 3] = Math.min(255, Math.max(0, Math.round(a + 1.402 * (c - 128))));
      out[index * 3 + 1] = Math.min(255, Math.max(0, Math.round(a - 0.344136 * (b - 128) - 0.714136 * (c - 128))));
      out[index * 3 + 2] = Math.min(255, Math.max(0, Math.round(a + 1.772 * (b - 128))));
    } else {
      out[index * 3] = a;
      out[index * 3 + 1] = b;
      out[index * 3 + 2] = c;
    }
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

/** The middle frame of JPEG baseline pixel data; grey frames get the same rescale and window as uncompressed ones. */
function renderJpegBaseline(dataSet: DataSet): RasterImage {
  const layout = layoutOf(dataSet);
  let decoded;
  try {
    decoded = decodeJpegBaselineFrame(dataSet, Math.floor(layout.frames / 2), layout.frames, layout.samplesPerPixel);
  } catch (error) {
    throw new NoThumbnail(`the JPEG baseline frame cannot be decoded (${error instanceof Error ? error.message : String(error)})`);
  }
  if (decoded.channels === 3) return decoded;
  return { width: decoded.width, height: decoded.height, channels: 1, pixels: windowGrey(dataSet, layout, Float64Array.from(decoded.pixels)) };
}

/** Renders the middle frame of an instance (uncompressed, or JPEG baseline) as an 8-bit display image. */
export function renderFrame(dataSet: DataSet): RasterImage {
  const transferSyntax = dataSet.string('x00020010') ?? '1.2.840.10008.1.2';
  if (transferSyntax === jpegBaselineTransferSyntax) return renderJpegBaseline(dataSet);
  if (!uncompressedTransferSyntaxes.has(transferSyntax)) {
    throw new NoThumbnail(`the pixel data is compressed (${describeTransferSyntax(transferSyntax)}), which thumbnails do not decode`);
  }
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData || pixelData.length === 0) throw new NoThumbnail('the instance has no pixel data');
  const layout = layoutOf(dataSet);
  const frame = Math.floor(layout.frames / 2);
  if (layout.samplesPerPixel === 1 && layout.photometric.startsWith('MONOCHROME')) {
    if (![8, 16, 32].includes(layout.bitsAllocated)) throw new NoThumbnail(`${layout.bitsAllocated}-bit pixels are not supported for thumbnails`);
    const stored = greyFrame(dataSet, layout, frame, pixelData.dataOffset, pixelData.length);
    return { width: layout.columns, height: layout.rows, channels: 1, pixels: windowGrey(dataSet, layout, stored) };
  }
  if (layout.samplesPerPixel === 3 && (layout.photometric === 'RGB' || layout.photometric === 'YBR_FULL')) {
    return { width: layout.columns, height: layout.rows, channels: 3, pixels: colourFrame(dataSet, layout, frame, pixelData.dataOffset, pixelData.length) };
  }
  throw new NoThumbnail(`${layout.photometric} with ${layout.samplesPerPixel} sample(s) per pixel is not supported for thumbnails`);
}
