import { describe, expect, it } from 'vitest';
import { nearestSliceIndex, type SlicePlace } from '../../src-shared/imaging/slice-geometry';

/** Side-by-side viewports are linked by where the slices lie in the patient, not by their index. */
const axial = [1, 0, 0, 0, 1, 0];
const at = (z: number, options: Partial<SlicePlace> = {}): SlicePlace => ({ position: [-120, -110, z], orientation: axial, frameOfReferenceUid: '1.2.3', ...options });
/** A source of 24 slices 1 mm apart, from z = 10 to z = 33. */
const source = Array.from({ length: 24 }, (_, k) => at(10 + k));

describe('nearest slice by position', () => {
  it('matches slice for slice when the two series share their positions', () => {
    for (let k = 0; k < source.length; k++) expect(nearestSliceIndex(source[k]!, source)).toBe(k);
  });

  it('gives the one slice of a single saved slice, wherever the source is', () => {
    const saved = [at(15)];
    expect(nearestSliceIndex(source[0]!, saved)).toBe(0);
    expect(nearestSliceIndex(source[23]!, saved)).toBe(0);
  });

  it('picks the nearest slice of a series with wider spacing, not the same fraction of the stack', () => {
    // Eight slices 3 mm apart covering only z = 20 … 41: the source's slice 12 (z = 22) is nearest the one at z = 23.
    const coarse = Array.from({ length: 8 }, (_, k) => at(20 + 3 * k));
    expect(nearestSliceIndex(source[12]!, coarse)).toBe(1);
    // Below the coarse series' first slice, its first slice is the nearest.
    expect(nearestSliceIndex(source[0]!, coarse)).toBe(0);
    // And back: the coarse slice at z = 29 is the source's slice 19.
    expect(nearestSliceIndex(coarse[3]!, source)).toBe(19);
  });

  it('reads the place along the normal, so in-plane shifts (a ROI, a gantry tilt) do not count', () => {
    const region = [at(10), at(11), at(12)].map((slice) => ({ ...slice, position: [40, 35, (slice.position ?? [])[2] ?? 0] }));
    expect(nearestSliceIndex(at(11), region)).toBe(1);
    // A sagittal stack: the normal is along -x, so z does not decide.
    const sagittal = [0, 1, 0, 0, 0, -1];
    const stack = [0, 2, 4].map((x) => at(50, { position: [x, 0, 50 - x * 10], orientation: sagittal }));
    expect(nearestSliceIndex({ position: [2.2, 30, -90], orientation: sagittal, frameOfReferenceUid: '1.2.3' }, stack)).toBe(1);
  });

  it('works with a reversed partner order', () => {
    const reversed = [...source].reverse();
    expect(nearestSliceIndex(source[5]!, reversed)).toBe(18);
  });

  it('takes the first of two equally near slices', () => {
    expect(nearestSliceIndex(at(11), [at(10), at(12)])).toBe(0);
  });

  it('cannot decide across frames of reference, without geometry, or across plane directions', () => {
    expect(nearestSliceIndex(source[3]!, [at(13, { frameOfReferenceUid: '9.9.9' })])).toBeUndefined();
    // An unknown frame of reference on either side does not forbid the match.
    expect(nearestSliceIndex(source[3]!, [at(13, { frameOfReferenceUid: null })])).toBe(0);
    expect(nearestSliceIndex(at(13, { position: null }), source)).toBeUndefined();
    expect(nearestSliceIndex(at(13, { orientation: [0, 0, 0, 0, 0, 0] }), source)).toBeUndefined();
    expect(nearestSliceIndex(source[3]!, [at(13, { position: [1, 2] })])).toBeUndefined();
    const coronal = [1, 0, 0, 0, 0, -1];
    expect(nearestSliceIndex(source[3]!, [at(13, { orientation: coronal })])).toBeUndefined();
    // A partner slice without geometry is skipped, not matched.
    expect(nearestSliceIndex(source[3]!, [at(13, { position: null }), at(20)])).toBe(1);
    expect(nearestSliceIndex(source[3]!, [])).toBeUndefined();
  });
});
