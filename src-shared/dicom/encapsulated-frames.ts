/*
 * Which fragments of encapsulated Pixel Data (PS3.5 A.4) make up each frame. One implementation for
 * both processes: the main process reads fragments from dicom-parser's data set, the renderer from
 * Cornerstone's naturalized items; each passes them in through `EncapsulatedFragments`.
 *
 * In order of authority: a single frame takes every fragment; then the Extended Offset Table; then
 * the Basic Offset Table; then one fragment per frame when the counts match; and otherwise the
 * codestreams' own markers: a frame starts at a fragment that opens with a start marker once the
 * previous frame has ended with an end marker (JPEG family and JPEG-LS: SOI ... EOI; JPEG 2000 and
 * HTJ2K: SOC SIZ ... EOC). A start marker inside an unfinished frame is data, not a new frame.
 */

import { concatenateBytes } from './bytes';

export { concatenateBytes };

/** Why the fragments cannot be split into the image's frames; no frame is decoded from another's bytes. */
export class EncapsulatedFramesError extends Error {
  override name = 'EncapsulatedFramesError';
}

export interface EncapsulatedFragments {
  count: number;
  /** The bytes of fragment `index`; may throw for a damaged file (a fragment past the end). */
  bytes(index: number): Uint8Array;
  /** Each fragment item's offset from the first fragment item, as the offset tables count; needed for the tables. */
  offsets?: readonly number[];
  basicOffsetTable?: readonly number[];
  extendedOffsetTable?: readonly number[];
}

/** Fragments `first` to `end` (exclusive) hold one frame. */
export interface FragmentRange {
  first: number;
  end: number;
}

interface CodestreamMarkers {
  family: string;
  startMarker: string;
  opensFrame(fragment: Uint8Array): boolean;
}

/** JPEG baseline, extended, lossless (process 14 and SV1) and JPEG-LS streams run from SOI (FFD8) to EOI (FFD9). */
const jpegFamily = new Set(['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81']);
/** JPEG 2000 (90, 91, and Part 2's 92, 93) and HTJ2K (201-203) codestreams run from SOC SIZ (FF4F FF51) to EOC (FFD9). */
const jpeg2000Family = /^1\.2\.840\.10008\.1\.2\.4\.(9[0-3]|20[1-3])$/;

const jpegMarkers: CodestreamMarkers = {
  family: 'JPEG',
  startMarker: 'SOI',
  opensFrame: (fragment) => fragment[0] === 0xff && fragment[1] === 0xd8,
};
const jpeg2000Markers: CodestreamMarkers = {
  family: 'JPEG 2000',
  startMarker: 'SOC',
  opensFrame: (fragment) => fragment[0] === 0xff && fragment[1] === 0x4f && fragment[2] === 0xff && fragment[3] === 0x51,
};

function markersFor(transferSyntaxUid: string, frameCount: number, fragmentCount: number): CodestreamMarkers {
  if (jpegFamily.has(transferSyntaxUid)) return jpegMarkers;
  if (jpeg2000Family.test(transferSyntaxUid)) return jpeg2000Markers;
  throw new EncapsulatedFramesError(
    `fragmented frames: ${fragmentCount} fragments for ${frameCount} frames with no offset table, and ${transferSyntaxUid} has no markers to find the frames by`,
  );
}

/** EOI and EOC are both FFD9, at the end before at most a little padding (fragments have even lengths; encoders pad with 00 or FF). */
function endsCodestream(fragment: Uint8Array): boolean {
  for (let end = fragment.length; end >= Math.max(2, fragment.length - 3); end--) {
    if (fragment[end - 2] === 0xff && fragment[end - 1] === 0xd9) return true;
  }
  return false;
}

function rangesByMarkers(fragments: EncapsulatedFragments, frameCount: number, markers: CodestreamMarkers): FragmentRange[] {
  const ranges: FragmentRange[] = [];
  let previousEnded = true;
  for (let index = 0; index < fragments.count; index++) {
    const fragment = fragments.bytes(index);
    if (ranges.length === 0 || (previousEnded && markers.opensFrame(fragment))) {
      if (!markers.opensFrame(fragment)) throw new EncapsulatedFramesError(`fragmented frames: the first fragment does not start with a ${markers.family} ${markers.startMarker} marker`);
      const last = ranges.at(-1);
      if (last) last.end = index;
      ranges.push({ first: index, end: fragments.count });
    }
    previousEnded = endsCodestream(fragment);
  }
  if (ranges.length !== frameCount) {
    throw new EncapsulatedFramesError(`fragmented frames: ${fragments.count} fragments hold ${ranges.length} ${markers.family} streams, but the image has ${frameCount} frames`);
  }
  return ranges;
}

function rangesByOffsetTable(fragments: EncapsulatedFragments, table: readonly number[], name: string): FragmentRange[] {
  const offsets = fragments.offsets;
  if (!offsets) throw new EncapsulatedFramesError(`the ${name} cannot be used without the fragments' offsets`);
  const fragmentAt = (offset: number | undefined, frame: number): number => {
    const index = offsets.indexOf(offset ?? Number.NaN);
    if (index < 0) throw new EncapsulatedFramesError(`the ${name} points frame ${frame + 1} at no fragment`);
    return index;
  };
  const firsts = table.map((offset, frame) => fragmentAt(offset, frame));
  return firsts.map((first, frame) => {
    const end = firsts[frame + 1] ?? fragments.count;
    if (end <= first) throw new EncapsulatedFramesError(`the ${name} is not in increasing order at frame ${frame + 1}`);
    return { first, end };
  });
}

/** The fragments of each frame, by the rules at the top of this file; throws EncapsulatedFramesError when they cannot be told apart. */
export function frameFragmentRanges(fragments: EncapsulatedFragments, frameCount: number, transferSyntaxUid: string): FragmentRange[] {
  if (fragments.count === 0) throw new EncapsulatedFramesError('the encapsulated pixel data has no fragments');
  if (frameCount <= 1) return [{ first: 0, end: fragments.count }];
  if (fragments.extendedOffsetTable?.length === frameCount) return rangesByOffsetTable(fragments, fragments.extendedOffsetTable, 'Extended Offset Table');
  if (fragments.basicOffsetTable?.length === frameCount) return rangesByOffsetTable(fragments, fragments.basicOffsetTable, 'Basic Offset Table');
  if (fragments.count === frameCount) return Array.from({ length: frameCount }, (_, frame) => ({ first: frame, end: frame + 1 }));
  if (fragments.count < frameCount) throw new EncapsulatedFramesError(`the pixel data has ${fragments.count} fragments for ${frameCount} frames`);
  return rangesByMarkers(fragments, frameCount, markersFor(transferSyntaxUid, frameCount, fragments.count));
}

const inMemory = (fragments: readonly Uint8Array[]): EncapsulatedFragments => ({ count: fragments.length, bytes: (index) => fragments[index]! });
const slices = (fragments: readonly Uint8Array[], ranges: FragmentRange[]): Uint8Array[][] => ranges.map(({ first, end }) => fragments.slice(first, end));

/** The fragments of an in-memory list (no offset tables), grouped per frame by the rules above. */
export function groupFragments(fragments: readonly Uint8Array[], frameCount: number, transferSyntaxUid: string): Uint8Array[][] {
  return slices(fragments, frameFragmentRanges(inMemory(fragments), frameCount, transferSyntaxUid));
}

/** The fragments grouped by the codestreams' markers alone, a single frame too: each frame must open with a start marker. */
export function groupFragmentsByMarkers(fragments: readonly Uint8Array[], frameCount: number, transferSyntaxUid: string): Uint8Array[][] {
  return slices(fragments, rangesByMarkers(inMemory(fragments), frameCount, markersFor(transferSyntaxUid, frameCount, fragments.length)));
}
