import { Enums, metaData } from '@cornerstonejs/core';

import { EncapsulatedFramesError, groupFragments, groupFragmentsByMarkers } from '../../../src-shared/dicom/encapsulated-frames';

/*
 * With an empty Basic Offset Table, the naturalized data set lists the encapsulated Pixel Data's
 * fragments, not its frames, and Cornerstone 5.x then takes fragment k for frame k: a frame split
 * over several fragments reaches its decoder cut short. Here the fragments are grouped back into
 * frames by the one rule both processes use (src-shared/dicom/encapsulated-frames.ts): all of them
 * for a single-frame image, and for a multi-frame JPEG, JPEG-LS, JPEG 2000 or HTJ2K image by the
 * codestreams' start and end markers. Other syntaxes have no markers to split on and are refused
 * with that reason.
 */

export { EncapsulatedFramesError as FragmentedFramesError };

/** The fragments of each of `frameCount` JPEG frames; throws when the markers give another number of frames. */
export function groupJpegFragments(fragments: readonly Uint8Array[], frameCount: number): Uint8Array[][] {
  return groupFragmentsByMarkers(fragments, frameCount, '1.2.840.10008.1.2.4.50');
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
  frames: Uint8Array[][] | EncapsulatedFramesError;
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
    let frames: Uint8Array[][] | EncapsulatedFramesError;
    try {
      frames = groupFragments(fragments, frameCount, transferSyntaxUid);
    } catch (error) {
      frames = error instanceof EncapsulatedFramesError ? error : new EncapsulatedFramesError(String(error));
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
  if (!found || found.frames instanceof EncapsulatedFramesError) return undefined;
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
