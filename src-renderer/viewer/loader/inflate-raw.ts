import { concatenateBytes } from '../../../src-shared/dicom/bytes';

/**
 * Inflates a raw deflate stream with the browser's DecompressionStream. DICOM pads values to an
 * even length, and Chromium rejects any byte after the stream's end, so an error once at least
 * `minimumBytes` have come out is that padding, not damage. Fewer bytes than that: `describe`
 * names what could not be inflated, in the caller's words.
 */
export async function inflateRaw(bytes: Uint8Array, minimumBytes: number, describe: (reason: string) => Error): Promise<Uint8Array> {
  const reader = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks.push(next.value);
      total += next.value.length;
    }
  } catch (error) {
    if (total < minimumBytes) throw describe(String(error));
  }
  return concatenateBytes(chunks);
}
