import dicomImageLoader from '@cornerstonejs/dicom-image-loader';

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
