import { firstNumber } from './native-pixel-data';

/*
 * The DICOM image loader parses each file into a naturalized header that it keeps in the metadata
 * store for good, pixel bytes included, and decodes the image from those bytes. Once a single-frame
 * image is decoded, Cornerstone's image cache holds its pixels: keeping the file's bytes as well
 * doubles the renderer's memory for an uncompressed series (issue 14: a 1,000-slice CT took 2.4 GB).
 * The bytes are dropped from the header once decoded, and the header is marked, so that a later
 * load (the cache evicted the image, or a volume asks for it) fetches the file again.
 * A multi-frame file keeps its bytes: its other frames are decoded from them.
 */

type Naturalized = Record<string, unknown>;

/** The naturalized keys the loader reads pixels from. */
const pixelDataKeys = ['PixelData', 'FloatPixelData', 'DoubleFloatPixelData'] as const;

const released = new WeakSet<Naturalized>();

/** Drops a single-frame header's pixel bytes; true when it held some and now holds none. */
export function releasePixelBytes(natural: Naturalized): boolean {
  if ((firstNumber(natural.NumberOfFrames) ?? 1) > 1) return false;
  let held = false;
  for (const key of pixelDataKeys) {
    if (natural[key] === undefined) continue;
    delete natural[key];
    held = true;
  }
  if (held) released.add(natural);
  return held;
}

/** Whether the header's pixel bytes were dropped, so that decoding needs the file again. */
export function pixelBytesReleased(natural: Naturalized): boolean {
  return released.has(natural);
}

/** How many pixel bytes a header still holds (what the memory test reads). */
export function heldPixelBytes(natural: Naturalized | undefined): number {
  if (!natural) return 0;
  let bytes = 0;
  const count = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(count);
    else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) bytes += value.byteLength;
  };
  for (const key of pixelDataKeys) count(natural[key]);
  return bytes;
}
