/**
 * Unpacks `count` 1-bit pixels, DICOM order (PS3.5 8.1.1): pixel i is bit (i % 8) of byte
 * floor(i / 8), counted from `firstBit`. Throws when the bytes are too few for the pixels.
 */
export function unpackBits(packed: Uint8Array, count: number, firstBit = 0): Uint8Array {
  const lastBit = firstBit + count - 1;
  if (count > 0 && packed.length * 8 <= lastBit) {
    throw new Error(`1-bit frame: ${packed.length} bytes hold fewer than the ${count} pixels expected`);
  }
  const pixels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const bit = firstBit + i;
    pixels[i] = ((packed[bit >> 3] ?? 0) >> (bit & 7)) & 1;
  }
  return pixels;
}

/** Packs 0/1 (any non-zero is 1) pixels eight a byte, in the same order as unpackBits reads them. */
export function packBits(pixels: ArrayLike<number>): Uint8Array {
  const packed = new Uint8Array(Math.ceil(pixels.length / 8));
  for (let i = 0; i < pixels.length; i++) if (pixels[i]) packed[i >> 3]! |= 1 << (i & 7);
  return packed;
}
