import type { DcmjsElementMap } from './dataset-access';
import { firstString } from './dataset-access';

/** A rectangle in image pixels (columns x, rows y), blacked out in every frame. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const nativeTransferSyntaxes = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']);

function integer(elements: DcmjsElementMap, tag: string, fallback?: number): number | undefined {
  const value = Number(firstString(elements, tag));
  return Number.isFinite(value) && firstString(elements, tag) !== undefined ? value : fallback;
}

/**
 * The Clean Pixel Data option for uncompressed little-endian images: every sample inside the
 * rectangles becomes the value that displays black. The pixels come in little endian (big-endian
 * files are swapped before). Returns why it cannot, or undefined when done.
 */
export function blackOutRectangles(elements: DcmjsElementMap, transferSyntaxUid: string, pixels: Buffer | undefined, rects: readonly PixelRect[]): string | undefined {
  if (!nativeTransferSyntaxes.has(transferSyntaxUid)) return `Clean Pixel Data needs uncompressed little-endian pixel data, not transfer syntax ${transferSyntaxUid}`;
  const rows = integer(elements, '00280010');
  const columns = integer(elements, '00280011');
  const bitsAllocated = integer(elements, '00280100');
  const samples = integer(elements, '00280002', 1) ?? 1;
  const planar = integer(elements, '00280006', 0) ?? 0;
  const frames = integer(elements, '00280008', 1) ?? 1;
  const signed = integer(elements, '00280103', 0) === 1;
  const bitsStored = integer(elements, '00280101', bitsAllocated) ?? 16;
  const photometric = firstString(elements, '00280004') ?? '';
  if (!pixels || !rows || !columns) return 'the image has no readable pixel data';
  if (bitsAllocated !== 8 && bitsAllocated !== 16) return `Clean Pixel Data handles 8 and 16 bits allocated, not ${bitsAllocated}`;
  if (photometric.startsWith('PALETTE')) return 'Clean Pixel Data does not handle palette colour images';
  const bytes = pixels;
  const bytesPerSample = bitsAllocated / 8;
  const frameSamples = rows * columns * samples;
  if (bytes.byteLength < frameSamples * bytesPerSample * frames) return 'the pixel data is shorter than its rows, columns and frames say';
  // Black: the lowest stored value for MONOCHROME2 and RGB, the highest for MONOCHROME1, Y=0 with neutral chroma for YBR.
  const lowest = signed ? -(2 ** (bitsStored - 1)) : 0;
  const highest = signed ? 2 ** (bitsStored - 1) - 1 : 2 ** bitsStored - 1;
  const blackFor = (sample: number): number => {
    if (photometric === 'MONOCHROME1') return highest;
    if (photometric.startsWith('YBR') && sample > 0) return 2 ** (bitsStored - 1);
    return lowest;
  };
  const write = (index: number, value: number) => {
    if (bytesPerSample === 1) bytes[index] = value & 0xff;
    else bytes.writeUInt16LE(value & 0xffff, index * 2);
  };
  for (const rect of rects) {
    const x0 = Math.max(0, Math.floor(rect.x));
    const y0 = Math.max(0, Math.floor(rect.y));
    const x1 = Math.min(columns, Math.ceil(rect.x + rect.width));
    const y1 = Math.min(rows, Math.ceil(rect.y + rect.height));
    for (let frame = 0; frame < frames; frame += 1) {
      const frameStart = frame * frameSamples;
      for (let sample = 0; sample < samples; sample += 1) {
        const black = blackFor(sample);
        for (let y = y0; y < y1; y += 1) {
          for (let x = x0; x < x1; x += 1) {
            const index = planar === 1 ? frameStart + sample * rows * columns + y * columns + x : frameStart + (y * columns + x) * samples + sample;
            write(index, black);
          }
        }
      }
    }
  }
  return undefined;
}
