import { Enums, metaData } from '@cornerstonejs/core';

/*
 * With an empty Basic Offset Table, the naturalized data set lists the encapsulated Pixel Data's
 * fragments, not its frames, and Cornerstone 5.x then takes fragment k for frame k: a frame split
 * over several fragments reaches its decoder cut short. Here the fragments are grouped back into
 * frames: all of them for a single-frame image (PS3.5 A.4), and for a multi-frame JPEG by its
 * markers, a frame starting at a fragment that begins with SOI once the previous frame has ended
 * with EOI. Other syntaxes have no markers to split on and are refused with that reason.
 */

/** JPEG baseline, extended, lossless (14 and SV1) and JPEG-LS: streams delimited by SOI and EOI. */
const jpegSyntaxes = new Set([
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.51',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.81',
]);

export class FragmentedFramesError extends Error {}

function startsWithSoi(fragment: Uint8Array): boolean {
  return fragment[0] === 0xff && fragment[1] === 0xd8;
}

/** EOI at the end, before at most a little padding (fragments have even lengths; encoders pad with 0x00 or 0xFF). */
function endsWithEoi(fragment: Uint8Array): boolean {
  for (let end = fragment.length; end >= Math.max(2, fragment.length - 3); end--) {
    if (fragment[end - 2] === 0xff && fragment[end - 1] === 0xd9) return true;
  }
  return false;
}

/**
 * The fragments of each of `frameCount` JPEG frames. Throws when the markers give another
 * number of frames, so that no frame is decoded from another frame's bytes.
 */
export function groupJpegFragments(fragments: readonly Uint8Array[], frameCount: number): Uint8Array[][] {
  const frames: Uint8Array[][] = [];
  let current: Uint8Array[] | undefined;
  let previousEnded = true;
  for (const fragment of fragments) {
    if (!current || (previousEnded && startsWithSoi(fragment))) {
      if (!startsWithSoi(fragment)) throw new FragmentedFramesError('fragmented frames: the first fragment does not start with a JPEG SOI marker');
      current = [];
      frames.push(current);
    }
    current.push(fragment);
    previousEnded = endsWithEoi(fragment);
  }
  if (frames.length !== frameCount) {
    throw new FragmentedFramesError(
      `fragmented frames: ${fragments.length} fragments hold ${frames.length} JPEG streams, but the image has ${frameCount} frames`,
    );
  }
  return frames;
}

type Naturalized = Record<string, unknown>;

function asBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

/**
 * The fragments when the naturalized Pixel Data lists more items than the image has frames, else
 * undefined. Without an offset table each item is a list holding one fragment.
 */
function surplusFragments(natural: Naturalized, frameCount: number): Uint8Array[] | undefined {
  const items: unknown = natural.PixelData;
  if (!Array.isArray(items) || items.length <= frameCount) return undefined;
  const fragments = items.flatMap((item: unknown): unknown[] => (Array.isArray(item) ? item : [item])).map(asBytes);
  return fragments.every((fragment): fragment is Uint8Array => fragment !== undefined) ? fragments : undefined;
}

interface GroupedFrames {
  transferSyntaxUid: string;
  frames: Uint8Array[][] | FragmentedFramesError;
}

const grouped = new WeakMap<Naturalized, GroupedFrames | null>();

/**
 * The frames of an encapsulated image whose items are fragments rather than frames, grouped once
 * per parsed file; null when the items already are the frames (or the data is not encapsulated).
 */
export function fragmentedFramesOf(natural: Naturalized): GroupedFrames | null {
  const known = grouped.get(natural);
  if (known !== undefined) return known;
  const transferSyntaxUid = typeof natural.TransferSyntaxUID === 'string' ? natural.TransferSyntaxUID : '';
  const frameCount = Math.max(1, Number(natural.NumberOfFrames ?? 1) || 1);
  const fragments = surplusFragments(natural, frameCount);
  let result: GroupedFrames | null = null;
  if (fragments && transferSyntaxUid) {
    let frames: Uint8Array[][] | FragmentedFramesError;
    if (frameCount === 1) frames = [fragments];
    else if (jpegSyntaxes.has(transferSyntaxUid)) {
      try {
        frames = groupJpegFragments(fragments, frameCount);
      } catch (error) {
        frames = error instanceof FragmentedFramesError ? error : new FragmentedFramesError(String(error));
      }
    } else {
      frames = new FragmentedFramesError(
        `fragmented frames: ${fragments.length} fragments for ${frameCount} frames with no offset table, and ${transferSyntaxUid} has no markers to find the frames by`,
      );
    }
    result = { transferSyntaxUid, frames };
  }
  grouped.set(natural, result);
  return result;
}

function frameIndexOf(options: unknown): number {
  const index = options && typeof options === 'object' && 'frameIndex' in options ? Number(options.frameIndex) : 0;
  return Number.isInteger(index) && index >= 0 ? index : 0;
}

function compressedFrameProvider(type: string, query: unknown, options: unknown): unknown {
  if (type !== Enums.MetadataModules.COMPRESSED_FRAME_DATA || typeof query !== 'string') return undefined;
  const natural = metaData.get(Enums.MetadataModules.NATURALIZED, query) as Naturalized | undefined;
  const found = natural && fragmentedFramesOf(natural);
  // Damaged or unsplittable: the loader's own reading stands, and the wadouri loader refuses the image first.
  if (!found || found.frames instanceof FragmentedFramesError) return undefined;
  const frameOfInterest = frameIndexOf(options);
  const pixelData = found.frames[frameOfInterest];
  if (!pixelData) return undefined;
  return { transferSyntaxUid: found.transferSyntaxUid, frameOfInterest, frameNumber: frameOfInterest + 1, pixelData };
}

/** Above the loader's providers, so that its frame reader gets whole frames. */
const providerPriority = 10_000;

/** Registers the provider that gives whole frames of fragmented encapsulated images; idempotent. */
export function registerFragmentedFramesProvider(): void {
  metaData.addProvider(compressedFrameProvider, providerPriority);
}
