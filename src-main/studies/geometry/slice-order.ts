/**
 * Orders the slices of a series along its slice normal. The normal is the cross
 * product of ImageOrientationPatient's row and column direction cosines; a slice's
 * place in the stack is the dot product of its ImagePositionPatient with that normal.
 * With gantry tilt the positions also shift in-plane from slice to slice, but their
 * projection on the normal still grows monotonically, so this order stays right
 * where sorting by one coordinate (z, or SliceLocation) would not.
 */

import { dot, sliceNormal, type Vector3 } from '../../../src-shared/imaging/slice-geometry';

// The normal and projection are shared with the viewer, which matches slices of two series by them.
export { dot, sliceNormal, type Vector3 };

export interface SliceGeometry {
  readonly position: Vector3 | null;
  readonly orientation: readonly [number, number, number, number, number, number] | null;
  readonly instanceNumber: number | null;
  /** Ties are broken by UID so the order is stable from one call to the next. */
  readonly uid: string;
}

/**
 * Parses a stored multi-valued decimal string ("a\b\c", as DICOM writes it; commas,
 * spaces or a JSON array are accepted too). Null when it is absent, the wrong length
 * or not all finite numbers.
 */
export function parseDecimals(text: string | null | undefined, count: number): number[] | null {
  if (text === null || text === undefined) return null;
  const parts = text
    .replace(/[[\]]/g, ' ')
    .split(/[\\,\s]+/)
    .filter((part) => part.length > 0);
  if (parts.length !== count) return null;
  const values = parts.map(Number);
  return values.every(Number.isFinite) ? values : null;
}

function compareInstanceNumbers(a: SliceGeometry, b: SliceGeometry): number {
  // Instances without a number go last rather than first: they are usually odd extras.
  if (a.instanceNumber !== b.instanceNumber) {
    if (a.instanceNumber === null) return 1;
    if (b.instanceNumber === null) return -1;
    return a.instanceNumber - b.instanceNumber;
  }
  return a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;
}

export interface OrderedSlices<Slice extends SliceGeometry> {
  readonly orderedBy: 'slice-position' | 'instance-number';
  /** Each slice with its projection on the series normal (null when it has none). */
  readonly slices: { slice: Slice; projection: number | null }[];
}

/**
 * Uses the first usable orientation as the series normal. Slice-position order is
 * used only when every slice has a position and an orientation: a partial order
 * mixed with instance numbers would put the slices without geometry at arbitrary
 * places, so a series missing any geometry falls back to instance numbers entirely.
 */
export function orderSlices<Slice extends SliceGeometry>(slices: readonly Slice[]): OrderedSlices<Slice> {
  let normal: Vector3 | null = null;
  for (const slice of slices) {
    if (slice.orientation) normal = sliceNormal(slice.orientation);
    if (normal) break;
  }
  const withProjection = slices.map((slice) => ({
    slice,
    projection: normal && slice.position && slice.orientation ? dot(slice.position, normal) : null,
  }));
  const allPlaced = normal !== null && withProjection.every((entry) => entry.projection !== null);
  if (allPlaced) {
    withProjection.sort((a, b) => {
      const difference = (a.projection ?? 0) - (b.projection ?? 0);
      // Positions closer than a micrometre are the same place (several echoes or phases).
      return Math.abs(difference) > 1e-3 ? difference : compareInstanceNumbers(a.slice, b.slice);
    });
    return { orderedBy: 'slice-position', slices: withProjection };
  }
  withProjection.sort((a, b) => compareInstanceNumbers(a.slice, b.slice));
  return { orderedBy: 'instance-number', slices: withProjection };
}
