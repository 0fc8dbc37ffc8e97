import { Enums, metaData, type Types } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { unpackBits } from '../../../src-shared/dicom/bits';
import { concatenateBytes } from '../../../src-shared/dicom/bytes';
import { inflateRaw } from './inflate-raw';
import { explicitLittleEndian, firstNumber, nativeElementBytes } from './native-pixel-data';

/*
 * Cornerstone 5.x's loader hands natively stored 1-bit frames (BitsAllocated 1) to its decoders
 * still packed eight pixels a byte, so SEG masks stored uncompressed, big endian or with Deflated
 * Image Frame Compression never display. Here such a frame is taken from the file (frames of a
 * multi-frame instance need not start on a byte boundary) or inflated, unpacked to one byte per
 * pixel and decoded as explicit little endian data (wadouri-loader.ts sends such images here).
 */

const deflatedImageFrames = '1.2.840.10008.1.2.8.1';
/** Syntaxes whose frames hold the bits themselves (after inflating, for the deflated one). */
const bitPackedSyntaxes = new Set([
  '1.2.840.10008.1.2',
  explicitLittleEndian,
  '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2.1.99',
  deflatedImageFrames,
]);

interface FrameGeometry {
  transferSyntaxUid: string;
  pixelsPerFrame: number;
}

type Naturalized = Record<string, unknown>;

/** The frame geometry when the image is a bit-packed 1-bit one, else undefined. */
function bitPackedGeometry(imageId: string): FrameGeometry | undefined {
  const natural = metaData.get(Enums.MetadataModules.NATURALIZED, imageId) as Naturalized | undefined;
  if (!natural || firstNumber(natural.BitsAllocated) !== 1) return undefined;
  const transferSyntaxUid = typeof natural.TransferSyntaxUID === 'string' ? natural.TransferSyntaxUID : '';
  if (!bitPackedSyntaxes.has(transferSyntaxUid)) return undefined;
  const rows = firstNumber(natural.Rows) ?? 0;
  const columns = firstNumber(natural.Columns) ?? 0;
  const samples = firstNumber(natural.SamplesPerPixel) ?? 1;
  return { transferSyntaxUid, pixelsPerFrame: rows * columns * samples };
}

function asBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error('1-bit frame: the pixel data is missing');
}

/** The frame's packed bits as the loader's metadata reader cut them from the encapsulated items. */
function encapsulatedFrame(imageId: string, frameIndex: number): Uint8Array {
  const frame = metaData.getTyped(Enums.MetadataModules.COMPRESSED_FRAME_DATA, imageId, { frameIndex }) as
    | { pixelData?: unknown }
    | undefined;
  const data = frame?.pixelData;
  return Array.isArray(data) ? concatenateBytes(data.map(asBytes)) : asBytes(data);
}

// The whole native Pixel Data, not the metadata reader's frames: it cuts frames that do not start on
// a byte with the bits in the wrong order (dcmjs 0.51 reads them most significant first).
async function unpackedFrame(imageId: string, geometry: FrameGeometry): Promise<Uint8Array> {
  const { url, pixelDataFrame } = dicomImageLoader.wadouri.parseImageId(imageId);
  const frameIndex = pixelDataFrame ?? 0;
  const count = geometry.pixelsPerFrame;
  if (geometry.transferSyntaxUid === deflatedImageFrames) {
    // Each deflated frame starts on a byte of its own.
    return unpackBits(await inflateRaw(encapsulatedFrame(imageId, frameIndex), Math.ceil(count / 8), (reason) => new Error(`1-bit frame: could not inflate the deflated frame (${reason})`)), count);
  }
  // Frame k starts at bit k × pixels per frame, on a byte boundary or not.
  return unpackBits(await nativeElementBytes(imageId, url, 'x7fe00010', '1-bit frame'), count, frameIndex * count);
}

/** True when the image is a bit-packed 1-bit one; its header must already be known. */
export function isBitPacked(imageId: string): boolean {
  return bitPackedGeometry(imageId) !== undefined;
}

/** Decodes a bit-packed 1-bit frame: unpacked to one byte per pixel, then as explicit little endian. */
export async function loadBitPackedImage(imageId: string, options: Record<string, unknown>): Promise<Types.IImage> {
  const geometry = bitPackedGeometry(imageId);
  if (!geometry) throw new Error(`1-bit frame: no 1-bit header for ${imageId}`);
  const pixels = await unpackedFrame(imageId, geometry);
  const image = await dicomImageLoader.createImage(imageId, pixels, explicitLittleEndian, { ...options });
  return image as Types.IImage;
}
