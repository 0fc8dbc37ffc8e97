import type { Types } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { explicitLittleEndian, nativeFrameBytes } from './native-pixel-data';
import { addPixelModuleOverride } from './metadata-module-override';

/*
 * Double Float Pixel Data (7FE0,0009), as parametric maps may store it: Cornerstone 5.x reads
 * Pixel Data and Float Pixel Data only. Such a frame is read here and narrowed to 32-bit floats,
 * what the viewer renders anyway (a double's extra precision lies far below one display step),
 * then handed to the loader as Float Pixel Data would be: 32 bits allocated, no pixel
 * representation, explicit little endian.
 */

type Naturalized = Record<string, unknown>;

const littleEndianSyntaxes = new Set(['1.2.840.10008.1.2', explicitLittleEndian]);

export function hasDoubleFloatPixels(natural: Naturalized): boolean {
  return natural.DoubleFloatPixelData !== undefined && natural.PixelData === undefined && natural.FloatPixelData === undefined;
}

/** Why such an image cannot be shown, or undefined when it can. */
export function doubleFloatRefusal(natural: Naturalized): string | undefined {
  const syntax = typeof natural.TransferSyntaxUID === 'string' ? natural.TransferSyntaxUID : '';
  return littleEndianSyntaxes.has(syntax) ? undefined : `Double Float Pixel Data in transfer syntax ${syntax}, which the viewer reads in little endian only`;
}

/** The loader reads the narrowed frame as 32-bit floats. */
export function registerDoubleFloatProvider(): void {
  addPixelModuleOverride(hasDoubleFloatPixels, (_natural, base) => ({ ...base, bitsAllocated: 32, bitsStored: 32, highBit: 31 }));
}

export async function loadDoubleFloatImage(imageId: string, options: Record<string, unknown>): Promise<Types.IImage> {
  const frame = await nativeFrameBytes(imageId, 'x7fe00009', 8, 'double float frame');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const narrowed = new Float32Array(frame.byteLength / 8);
  for (let i = 0; i < narrowed.length; i++) narrowed[i] = view.getFloat64(i * 8, true);
  return (await dicomImageLoader.createImage(imageId, new Uint8Array(narrowed.buffer), explicitLittleEndian, { ...options })) as Types.IImage;
}
