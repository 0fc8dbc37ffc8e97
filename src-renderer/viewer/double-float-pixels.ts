import { Enums, metaData, type Types } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { firstNumber, nativeElementBytes } from './native-pixel-data';
import { addPixelModuleOverride } from './pixel-module-override';

/*
 * Double Float Pixel Data (7FE0,0009), as parametric maps may store it: Cornerstone 5.x reads
 * Pixel Data and Float Pixel Data only. Such a frame is read here and narrowed to 32-bit floats,
 * what the viewer renders anyway (a double's extra precision lies far below one display step),
 * then handed to the loader as Float Pixel Data would be: 32 bits allocated, no pixel
 * representation, explicit little endian.
 */

type Naturalized = Record<string, unknown>;

const explicitLittleEndian = '1.2.840.10008.1.2.1';
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
  const natural = metaData.get(Enums.MetadataModules.NATURALIZED, imageId) as Naturalized | undefined;
  if (!natural) throw new Error(`double float frame: no header for ${imageId}`);
  const count = (firstNumber(natural.Rows) ?? 0) * (firstNumber(natural.Columns) ?? 0) * (firstNumber(natural.SamplesPerPixel) ?? 1);
  const { url, pixelDataFrame } = dicomImageLoader.wadouri.parseImageId(imageId);
  const frame = pixelDataFrame ?? 0;
  const bytes = await nativeElementBytes(imageId, url, 'x7fe00009', 'double float frame');
  if (count === 0 || (frame + 1) * count * 8 > bytes.length) throw new Error(`double float frame: frame ${frame + 1} runs past the Double Float Pixel Data of ${url}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + frame * count * 8, count * 8);
  const narrowed = new Float32Array(count);
  for (let i = 0; i < count; i++) narrowed[i] = view.getFloat64(i * 8, true);
  return (await dicomImageLoader.createImage(imageId, new Uint8Array(narrowed.buffer), explicitLittleEndian, { ...options })) as Types.IImage;
}
