/** Joins byte chunks into one array (the one chunk itself when there is only one). */
export function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const whole = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}

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
  return concatenate(chunks);
}
