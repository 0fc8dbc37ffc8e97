import { PixelDecodeError, type FrameLayout } from './frame-layout';

/**
 * Decodes one RLE Lossless frame (PS3.5 Annex G): a 64-byte header with up to 15 segment
 * offsets, then one PackBits segment per byte plane, most significant byte first, each
 * sample (colour channel) in its own set of segments. Returns the samples colour-by-pixel,
 * as unsigned values of Bits Allocated width (the caller sign-extends).
 */
export function decodeRleFrame(frame: Uint8Array, layout: FrameLayout): Uint32Array | Uint16Array | Uint8Array {
  if (frame.length < 64) throw new PixelDecodeError(`the RLE frame is ${frame.length} bytes, shorter than its 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segmentCount = view.getUint32(0, true);
  const bytesPerSample = layout.bitsAllocated / 8;
  const expected = bytesPerSample * layout.samplesPerPixel;
  if (segmentCount !== expected) throw new PixelDecodeError(`the RLE header lists ${segmentCount} segments, not the ${expected} the image needs`);
  const offsets: number[] = [];
  for (let i = 0; i < segmentCount; i += 1) offsets.push(view.getUint32(4 + i * 4, true));
  const pixels = layout.rows * layout.columns;
  const out =
    bytesPerSample === 1 ? new Uint8Array(pixels * layout.samplesPerPixel) : bytesPerSample === 2 ? new Uint16Array(pixels * layout.samplesPerPixel) : new Uint32Array(pixels * layout.samplesPerPixel);
  const plane = new Uint8Array(pixels);
  for (let segment = 0; segment < segmentCount; segment += 1) {
    const start = offsets[segment]!;
    const end = segment + 1 < segmentCount ? offsets[segment + 1]! : frame.length;
    if (start < 64 || end > frame.length || end < start) throw new PixelDecodeError(`RLE segment ${segment + 1} lies outside the frame (offset ${start}, frame ${frame.length} bytes)`);
    unpackBits(frame.subarray(start, end), plane, segment);
    const sample = Math.floor(segment / bytesPerSample);
    // Segments of a sample go from the most significant byte to the least.
    const shift = 8 * (bytesPerSample - 1 - (segment % bytesPerSample));
    for (let p = 0; p < pixels; p += 1) out[p * layout.samplesPerPixel + sample] = out[p * layout.samplesPerPixel + sample]! + plane[p]! * 2 ** shift;
  }
  return out;
}

/** PackBits: a header byte n in 0..127 copies n+1 literal bytes; -1..-127 repeats the next byte 1-n times; -128 is a no-op. */
function unpackBits(segment: Uint8Array, plane: Uint8Array, index: number): void {
  let read = 0;
  let written = 0;
  while (written < plane.length) {
    if (read >= segment.length) throw new PixelDecodeError(`RLE segment ${index + 1} ends after ${written} of ${plane.length} bytes (truncated data?)`);
    const header = (segment[read]! << 24) >> 24;
    read += 1;
    if (header >= 0) {
      const count = header + 1;
      if (read + count > segment.length) throw new PixelDecodeError(`RLE segment ${index + 1} ends inside a literal run (truncated data?)`);
      const take = Math.min(count, plane.length - written);
      plane.set(segment.subarray(read, read + take), written);
      read += count;
      written += take;
    } else if (header !== -128) {
      if (read >= segment.length) throw new PixelDecodeError(`RLE segment ${index + 1} ends inside a replicate run (truncated data?)`);
      const take = Math.min(1 - header, plane.length - written);
      plane.fill(segment[read]!, written, written + take);
      read += 1;
      written += take;
    }
  }
}
