/**
 * Colour to grey by ITU-R 601-2 luma, 0.299 R + 0.587 G + 0.114 B: exact for float pipelines
 * (the models' inputs), and as Pillow's convert('L') computes it (16-bit fixed point, rounded)
 * for 8-bit images, so grey images match what the models were trained on.
 */

/** The exact weighted sum, unrounded. */
export function lumaExact(red: number, green: number, blue: number): number {
  return 0.299 * red + 0.587 * green + 0.114 * blue;
}

/** Pillow's 8-bit form: the weights scaled by 2^16 (19595, 38470, 7471, which sum to 65536), rounded. */
export function luma(red: number, green: number, blue: number): number {
  // Division rather than >> 16, so 16-bit colour samples do not overflow 32 bits.
  return Math.floor((red * 19595 + green * 38470 + blue * 7471 + 0x8000) / 65536);
}

/** Interleaved RGB (3 samples a pixel) or RGBA (4, alpha ignored) bytes to one grey byte a pixel. */
export function interleavedToLuma(samples: ArrayLike<number>, samplesPerPixel: 3 | 4): Uint8Array {
  const out = new Uint8Array(Math.floor(samples.length / samplesPerPixel));
  for (let i = 0; i < out.length; i += 1) {
    const at = i * samplesPerPixel;
    out[i] = luma(samples[at] ?? 0, samples[at + 1] ?? 0, samples[at + 2] ?? 0);
  }
  return out;
}
