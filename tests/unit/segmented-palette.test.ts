import { describe, expect, it } from 'vitest';
import { expandSegmentedLut, SegmentedLutError } from '../../src-renderer/viewer/loader/segmented-palette';

// Segmented Palette Color LUT Data (PS3.3 C.7.9.2): opcode, length, then the segment's words.
// Expected tables are worked out by hand from the standard's rules.
describe('expanding a segmented palette colour table', () => {
  it('copies a discrete segment as it is', () => {
    expect(Array.from(expandSegmentedLut([0, 3, 10, 20, 30], 3))).toEqual([10, 20, 30]);
  });

  it('ramps a linear segment from the previous entry (excluded) to its end value (included)', () => {
    expect(Array.from(expandSegmentedLut([0, 1, 0, 1, 4, 100], 5))).toEqual([0, 25, 50, 75, 100]);
    // Downwards too.
    expect(Array.from(expandSegmentedLut([0, 1, 200, 1, 2, 100], 3))).toEqual([200, 150, 100]);
  });

  it('replays earlier segments for an indirect one, ramping from the entry before it', () => {
    // discrete 5,7; linear to 9 over 2 (8, 9); indirect: the 2 segments from word 0 again.
    expect(Array.from(expandSegmentedLut([0, 2, 5, 7, 1, 2, 9, 2, 2, 0, 0], 8))).toEqual([5, 7, 8, 9, 5, 7, 8, 9]);
  });

  it('refuses a table whose length disagrees with its descriptor, an unknown segment, and an indirect loop', () => {
    expect(() => expandSegmentedLut([0, 3, 10, 20, 30], 4)).toThrow(SegmentedLutError);
    expect(() => expandSegmentedLut([0, 3, 10, 20, 30], 4)).toThrow(/expands to 3 entries, the descriptor says 4/);
    expect(() => expandSegmentedLut([0, 1, 5, 7, 1], 2)).toThrow(/unknown segment type 7/);
    // An indirect segment at word 3 that points at itself.
    expect(() => expandSegmentedLut([0, 1, 5, 2, 1, 3, 0], 2)).toThrow(/nest too deep/);
    expect(() => expandSegmentedLut([1, 2, 9], 2)).toThrow(/starts with a linear segment/);
  });
});
