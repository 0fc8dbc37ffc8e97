import { Enums, metaData } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';

/** What the viewer's own frame readers hand the loader: a frame re-expressed in this syntax. */
export const explicitLittleEndian = '1.2.840.10008.1.2.1';

const elementNames: Record<string, string> = { x7fe00010: 'Pixel Data', x7fe00009: 'Double Float Pixel Data' };

/** The first number of a naturalized header value (a number, a numeric string, or a list of them). */
export function firstNumber(value: unknown): number | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  const n = typeof first === 'string' ? Number(first) : first;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * A native (not encapsulated) pixel data element's bytes, as stored in the file, from the loader's
 * cache of parsed files. `tag` is dicom-parser's (x7fe00010 Pixel Data, x7fe00009 Double Float
 * Pixel Data); `what` names the caller's image kind in errors.
 */
export async function nativeElementBytes(imageId: string, url: string, tag: string, what: string): Promise<Uint8Array> {
  const request = dicomImageLoader.wadouri.getLoaderForScheme('wadouri');
  if (!request) throw new Error(`${what}: the loader cannot fetch wadouri: files`);
  const dataSet = await dicomImageLoader.wadouri.dataSetCacheManager.load(url, request, imageId);
  const element = dataSet.elements[tag];
  if (!element || element.encapsulatedPixelData) throw new Error(`${what}: no native pixel data (${tag}) in ${url}`);
  const { byteArray } = dataSet;
  return new Uint8Array(byteArray.buffer, byteArray.byteOffset + element.dataOffset, element.length);
}

/**
 * One frame of a native pixel data element, as stored: `bytesPerSample` bytes for each sample of
 * Rows × Columns × Samples per Pixel, at the frame the image ID names. The header must already be known.
 */
export async function nativeFrameBytes(imageId: string, tag: string, bytesPerSample: number, what: string): Promise<Uint8Array> {
  const natural = metaData.get(Enums.MetadataModules.NATURALIZED, imageId) as Record<string, unknown> | undefined;
  if (!natural) throw new Error(`${what}: no header for ${imageId}`);
  const samples = (firstNumber(natural.Rows) ?? 0) * (firstNumber(natural.Columns) ?? 0) * (firstNumber(natural.SamplesPerPixel) ?? 1);
  const { url, pixelDataFrame } = dicomImageLoader.wadouri.parseImageId(imageId);
  const frame = pixelDataFrame ?? 0;
  const bytes = await nativeElementBytes(imageId, url, tag, what);
  const frameBytes = samples * bytesPerSample;
  if (samples === 0 || (frame + 1) * frameBytes > bytes.length) throw new Error(`${what}: frame ${frame + 1} runs past the ${elementNames[tag] ?? tag} of ${url}`);
  return bytes.subarray(frame * frameBytes, (frame + 1) * frameBytes);
}
