import { describe, expect, it } from 'vitest';
import { cameraThrough, distanceFromPlane, planesMeet, sliceCentre, type SlicePlane } from '../../src-shared/imaging/slice-plane';

const axialSlice: SlicePlane = {
  imagePositionPatient: [-100, -120, 40],
  rowCosines: [1, 0, 0],
  columnCosines: [0, 1, 0],
  rowPixelSpacing: 0.5,
  columnPixelSpacing: 0.8,
  rows: 201,
  columns: 101,
};

describe('sliceCentre', () => {
  it('adds half the extent along rows (column spacing) and along columns (row spacing)', () => {
    // 100 column steps of 0.8 mm along x, 200 row steps of 0.5 mm along y.
    expect(sliceCentre(axialSlice)).toEqual([-60, -70, 40]);
  });

  it('follows an oblique sagittal orientation', () => {
    const c = Math.cos(Math.PI / 12);
    const s = Math.sin(Math.PI / 12);
    const centre = sliceCentre({ imagePositionPatient: [10, -50, 60], rowCosines: [0, c, -s], columnCosines: [0, s, c].map((v) => -v), rowPixelSpacing: 1, columnPixelSpacing: 1, rows: 3, columns: 3 });
    expect(centre?.[0]).toBeCloseTo(10, 9);
    expect(centre?.[1]).toBeCloseTo(-50 + c - s, 9);
    expect(centre?.[2]).toBeCloseTo(60 - s - c, 9);
  });

  it('is undefined without a usable geometry', () => {
    expect(sliceCentre({ ...axialSlice, imagePositionPatient: [] })).toBeUndefined();
    expect(sliceCentre({ ...axialSlice, rowCosines: [NaN, 0, 0] })).toBeUndefined();
    expect(sliceCentre({ ...axialSlice, rowPixelSpacing: 0 })).toBeUndefined();
    expect(sliceCentre({ ...axialSlice, rows: 0 })).toBeUndefined();
  });
});

describe('cameraThrough', () => {
  const camera = { focalPoint: [0, 0, 0] as [number, number, number], position: [0, 0, 500] as [number, number, number], viewPlaneNormal: [0, 0, 1] as [number, number, number] };

  it('moves the plane along its normal to the point and nothing else', () => {
    const moved = cameraThrough(camera, [30, -20, -42.5]);
    expect(moved).toEqual({ focalPoint: [0, 0, -42.5], position: [0, 0, 457.5] });
    expect(distanceFromPlane({ ...camera, ...moved }, [30, -20, -42.5])).toBeCloseTo(0, 12);
  });

  it('works for an oblique normal', () => {
    const n: [number, number, number] = [Math.SQRT1_2, 0, Math.SQRT1_2];
    const oblique = { focalPoint: [1, 2, 3] as [number, number, number], position: [1 + 100 * n[0], 2, 3 + 100 * n[2]] as [number, number, number], viewPlaneNormal: n };
    const point: [number, number, number] = [10, 7, -4];
    const moved = cameraThrough(oblique, point);
    expect(distanceFromPlane({ ...oblique, ...moved }, point)).toBeCloseTo(0, 12);
    // The camera stays at the same distance from its focal point.
    expect(Math.hypot(...moved.position.map((v, i) => v - moved.focalPoint[i]!))).toBeCloseTo(100, 9);
  });
});

describe('planesMeet', () => {
  it('finds where three axis planes cross: each coordinate from the plane across it', () => {
    const met = planesMeet([
      { point: [0, 0, 12.5], normal: [0, 0, 1] },
      { point: [-7, 99, 3], normal: [1, 0, 0] },
      { point: [40, 3.25, -8], normal: [0, -1, 0] },
    ]);
    expect(met?.[0]).toBeCloseTo(-7, 12);
    expect(met?.[1]).toBeCloseTo(3.25, 12);
    expect(met?.[2]).toBeCloseTo(12.5, 12);
  });

  it('solves oblique planes: the point found lies on all three', () => {
    const s = Math.SQRT1_2;
    const planes = [
      { point: [1, 2, 3], normal: [s, s, 0] },
      { point: [-4, 0, 9], normal: [-s, s, 0] },
      { point: [0, 5, -2], normal: [0, 0.6, 0.8] },
    ] as const satisfies readonly { point: [number, number, number]; normal: [number, number, number] }[];
    const met = planesMeet([...planes] as never);
    if (!met) throw new Error('no meeting point');
    for (const { point, normal } of planes) expect(normal.reduce((sum, n, axis) => sum + n * (met[axis]! - point[axis]!), 0)).toBeCloseTo(0, 10);
  });

  it('gives nothing when two planes are parallel', () => {
    expect(planesMeet([
      { point: [0, 0, 0], normal: [0, 0, 1] },
      { point: [0, 0, 5], normal: [0, 0, -1] },
      { point: [0, 0, 0], normal: [1, 0, 0] },
    ])).toBeUndefined();
  });
});
