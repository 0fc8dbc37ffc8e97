import { describe, expect, it } from 'vitest';
import {
  concatenateBytes,
  EncapsulatedFramesError,
  frameFragmentRanges,
  groupFragments,
  type EncapsulatedFragments,
} from '../../src-shared/dicom/encapsulated-frames';

// Fragments made here, with the markers of PS3.5 A.4's codestreams: JPEG opens with SOI (FFD8),
// JPEG 2000 and HTJ2K with SOC SIZ (FF4F FF51); both end with FFD9 (EOI, EOC), padding allowed.
const bytes = (...values: number[]) => Uint8Array.from(values);
const soc = [0xff, 0x4f, 0xff, 0x51];
const end = [0xff, 0xd9];
const j2kLossless = '1.2.840.10008.1.2.4.90';
const htj2k = '1.2.840.10008.1.2.4.201';

const withOffsets = (fragments: Uint8Array[], tables: Partial<EncapsulatedFragments> = {}): EncapsulatedFragments => {
  // Each item adds its 8-byte tag and length to the offset, as the offset tables count (PS3.5 A.4).
  let at = 0;
  const offsets = fragments.map((fragment) => {
    const offset = at;
    at += 8 + fragment.length;
    return offset;
  });
  return { count: fragments.length, bytes: (index) => fragments[index]!, offsets, ...tables };
};

describe('which fragments make up each frame', () => {
  it('groups JPEG 2000 and HTJ2K frames by SOC ... EOC; an SOC inside an unfinished frame is data', () => {
    const a1 = bytes(...soc, 1, 2);
    const a2 = bytes(3, 4, ...end);
    const b1 = bytes(...soc, 5, ...end, 0x00);
    const c1 = bytes(...soc, 6, 7);
    const c2 = bytes(...soc, 8, 9); // frame 3 has not ended: still frame 3
    const c3 = bytes(10, ...end);
    for (const syntax of [j2kLossless, htj2k]) {
      expect(groupFragments([a1, a2, b1, c1, c2, c3], 3, syntax)).toEqual([[a1, a2], [b1], [c1, c2, c3]]);
    }
  });

  it('refuses JPEG 2000 fragments whose markers give another number of frames, naming the counts', () => {
    const one = bytes(...soc, 1, ...end);
    expect(() => groupFragments([one, one, one], 2, j2kLossless)).toThrow(EncapsulatedFramesError);
    expect(() => groupFragments([one, one, one], 2, j2kLossless)).toThrow(/3 fragments hold 3 JPEG 2000 streams, but the image has 2 frames/);
    expect(() => groupFragments([bytes(1, 2), one, one], 2, j2kLossless)).toThrow(/does not start with a JPEG 2000 SOC marker/);
  });

  it('uses the Extended Offset Table, then the Basic Offset Table, before the markers', () => {
    // Markers would say three frames; the tables say two, split after the second fragment.
    const fragments = [bytes(...soc, 1, ...end), bytes(...soc, 2, ...end), bytes(...soc, 3, ...end)];
    const plain = withOffsets(fragments);
    const table = [plain.offsets![0]!, plain.offsets![2]!];
    expect(frameFragmentRanges(withOffsets(fragments, { extendedOffsetTable: table, basicOffsetTable: [0, 1] }), 2, j2kLossless)).toEqual([
      { first: 0, end: 2 },
      { first: 2, end: 3 },
    ]);
    expect(frameFragmentRanges(withOffsets(fragments, { basicOffsetTable: table }), 2, j2kLossless)).toEqual([
      { first: 0, end: 2 },
      { first: 2, end: 3 },
    ]);
  });

  it('refuses a table that points at no fragment or goes backwards', () => {
    const fragments = [bytes(1, 2), bytes(3, 4), bytes(5, 6)];
    expect(() => frameFragmentRanges(withOffsets(fragments, { basicOffsetTable: [0, 7] }), 2, j2kLossless)).toThrow(/points frame 2 at no fragment/);
    expect(() => frameFragmentRanges(withOffsets(fragments, { basicOffsetTable: [10, 0] }), 2, j2kLossless)).toThrow(/not in increasing order at frame 1/);
  });

  it('gives a single frame every fragment, and one fragment per frame when the counts match', () => {
    const fragments = [bytes(1, 2), bytes(3, 4)];
    expect(frameFragmentRanges(withOffsets(fragments), 1, '1.2.840.10008.1.2.5')).toEqual([{ first: 0, end: 2 }]);
    expect(frameFragmentRanges(withOffsets(fragments), 2, '1.2.840.10008.1.2.5')).toEqual([
      { first: 0, end: 1 },
      { first: 1, end: 2 },
    ]);
  });

  it('refuses surplus fragments of a syntax with no markers, and too few fragments, saying why', () => {
    const fragments = [bytes(1, 2), bytes(3, 4), bytes(5, 6)];
    expect(() => frameFragmentRanges(withOffsets(fragments), 2, '1.2.840.10008.1.2.5')).toThrow(/1\.2\.840\.10008\.1\.2\.5 has no markers to find the frames by/);
    expect(() => frameFragmentRanges(withOffsets(fragments), 4, j2kLossless)).toThrow(/3 fragments for 4 frames/);
    expect(() => frameFragmentRanges(withOffsets([]), 1, j2kLossless)).toThrow(/no fragments/);
  });

  it('concatenates the parts of a frame in order', () => {
    expect(concatenateBytes([bytes(1), bytes(2, 3), bytes()])).toEqual(bytes(1, 2, 3));
    const only = bytes(4, 5);
    expect(concatenateBytes([only])).toBe(only);
  });
});
