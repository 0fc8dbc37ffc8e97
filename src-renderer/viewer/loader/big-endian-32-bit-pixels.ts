import type { Types } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { explicitLittleEndian, firstNumber, nativeFrameBytes } from './native-pixel-data';

/*
 * 32-bit samples in Explicit VR Big Endian. The DICOM image loader's big endian decoder swaps
 * 16-bit samples only, so 32-bit ones would come out byte-reversed. The frame is read here, each
 * 4-byte sample reversed into little endian order, and handed to the loader as the same image in
 * Explicit VR Little Endian, which it decodes correctly at 32 bits (planar configuration and
 * pixel representation are untouched, as they do not depend on byte order).
 */

type Naturalized = Record<string, unknown>;

const explicitBigEndian = '1.2.840.10008.1.2.2';

export function hasBigEndian32BitPixels(natural: Naturalized): boolean {
  return natural.TransferSyntaxUID === explicitBigEndian && firstNumber(natural.BitsAllocated) === 32 && natural.PixelData !== undefined;
}

export async function loadBigEndian32BitImage(imageId: string, options: Record<string, unknown>): Promise<Types.IImage> {
  const source = await nativeFrameBytes(imageId, 'x7fe00010', 4, '32-bit big endian frame');
  const swapped = new Uint8Array(source.length);
  for (let i = 0; i < source.length; i += 4) {
    swapped[i] = source[i + 3]!;
    swapped[i + 1] = source[i + 2]!;
    swapped[i + 2] = source[i + 1]!;
    swapped[i + 3] = source[i]!;
  }
  return (await dicomImageLoader.createImage(imageId, swapped, explicitLittleEndian, { ...options })) as Types.IImage;
}
