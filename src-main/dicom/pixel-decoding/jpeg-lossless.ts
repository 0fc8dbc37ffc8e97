import { Decoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import { PixelDecodeError } from './frame-layout';

/** JPEG lossless (process 14, any predictor) in JavaScript; answers samples colour-by-pixel, unsigned. */
export function decodeJpegLosslessFrame(encoded: Uint8Array, bitsAllocated: number): Uint8Array | Uint16Array {
  // The decoder reads from an ArrayBuffer; a private copy keeps it off the file's buffer.
  const copy = encoded.slice();
  try {
    return new Decoder().decode(copy.buffer, 0, copy.byteLength, bitsAllocated <= 8 ? 1 : 2);
  } catch (error) {
    throw new PixelDecodeError(`the JPEG lossless decoder could not decode the frame (${error instanceof Error ? error.message : String(error)})`);
  }
}
