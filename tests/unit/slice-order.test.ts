import { describe, expect, it } from 'vitest';
import { orderSlices, parseDecimals, sliceNormal } from '../../src-main/studies/geometry/slice-order';

const axial = [1, 0, 0, 0, 1, 0] as const;
const slice = (uid: string, z: number | null, instanceNumber: number | null, orientation: readonly number[] | null = axial) => ({
  uid,
  instanceNumber,
  position: z === null ? null : ([10, 20, z] as const),
  orientation: orientation as [number, number, number, number, number, number] | null,
});

describe('slice order', () => {
  it('parses stored decimal strings in the forms DICOM and JSON write them', () => {
    expect(parseDecimals('1\\0\\0\\0\\1\\0', 6)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(parseDecimals('[-125.0, -123.54, 5.836]', 3)).toEqual([-125, -123.54, 5.836]);
    expect(parseDecimals('1\\2', 3)).toBeNull();
    expect(parseDecimals('1\\x\\3', 3)).toBeNull();
    expect(parseDecimals(null, 3)).toBeNull();
  });

  it('takes the normal as the cross product of the row and column cosines', () => {
    expect(sliceNormal([1, 0, 0, 0, 1, 0])).toEqual([0, 0, 1]);
    // Sagittal: rows along y, columns along -z; normal along -x.
    expect(sliceNormal([0, 1, 0, 0, 0, -1])?.map((v) => Math.round(v))).toEqual([-1, 0, 0]);
    expect(sliceNormal([0, 0, 0, 0, 0, 0])).toBeNull();
    expect(sliceNormal([1, 0, 0, 1, 0, 0])).toBeNull();
  });

  it('orders by position, with instance number breaking ties at the same place', () => {
    const ordered = orderSlices([slice('a', 5, 1), slice('b', -5, 9), slice('c', 0, 3), slice('d', 0, 2)]);
    expect(ordered.orderedBy).toBe('slice-position');
    expect(ordered.slices.map((entry) => entry.slice.uid)).toEqual(['b', 'd', 'c', 'a']);
    expect(ordered.slices.map((entry) => entry.projection)).toEqual([-5, 0, 0, 5]);
  });

  it('falls back to instance numbers, unnumbered last, when any slice lacks geometry', () => {
    const ordered = orderSlices([slice('a', 5, 2), slice('b', null, 1), slice('c', -5, null), slice('d', 0, 3, [0, 0, 0, 0, 0, 0])]);
    expect(ordered.orderedBy).toBe('instance-number');
    expect(ordered.slices.map((entry) => entry.slice.uid)).toEqual(['b', 'a', 'd', 'c']);
  });
});
