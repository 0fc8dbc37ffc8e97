import { describe, expect, it } from 'vitest';
import { FragmentedFramesError, groupJpegFragments } from '../../src-renderer/viewer/loader/fragmented-frames';

// Fragments made here: a JPEG stream starts with SOI (FF D8) and ends with EOI (FF D9), padded to an even length.
const bytes = (...values: number[]) => Uint8Array.from(values);
const soi = [0xff, 0xd8];
const eoi = [0xff, 0xd9];

describe('grouping the fragments of JPEG frames that have no offset table', () => {
  it('gives each frame the fragments from its SOI to its EOI, padding after EOI allowed', () => {
    const a1 = bytes(...soi, 1, 2);
    const a2 = bytes(3, 4, ...eoi);
    const b1 = bytes(...soi, 5, ...eoi, 0x00); // one frame in one fragment, padded to even length
    const c1 = bytes(...soi, 6, 7);
    const c2 = bytes(0xff, 0xd8, 8, 9); // starts like SOI but the frame before has not ended: still frame 3
    const c3 = bytes(10, ...eoi, 0xff);
    const frames = groupJpegFragments([a1, a2, b1, c1, c2, c3], 3);
    expect(frames.map((frame) => frame.length)).toEqual([2, 1, 3]);
    expect(frames[0]?.[1]).toBe(a2);
    expect(frames[2]).toEqual([c1, c2, c3]);
  });

  it('refuses when the markers give another number of frames, or the data does not start with SOI', () => {
    const one = bytes(...soi, 1, ...eoi);
    expect(() => groupJpegFragments([one, one], 3)).toThrow(FragmentedFramesError);
    expect(() => groupJpegFragments([one, one], 3)).toThrow(/2 fragments hold 2 JPEG streams, but the image has 3 frames/);
    expect(() => groupJpegFragments([bytes(1, 2, ...eoi)], 1)).toThrow(/does not start with a JPEG SOI/);
  });
});
