/**
 * Where a slice lies in the patient, from Image Orientation (Patient) and Image Position
 * (Patient). The slice normal is the cross product of the row and column direction cosines;
 * a slice's place along it is the dot product of its position with the normal. The main
 * process orders series by it; the viewer matches slices of two series by it.
 */

import { cross, dot, type ReadonlyVec3 } from './vector3';

export type Vector3 = ReadonlyVec3;
export { dot };

export function sliceNormal(orientation: readonly number[]): Vector3 | null {
  const [rx, ry, rz, cx, cy, cz] = orientation as [number, number, number, number, number, number];
  const normal = cross([rx, ry, rz], [cx, cy, cz]);
  const length = Math.hypot(...normal);
  // Degenerate direction cosines (zeros, parallel rows and columns, too few values) give no usable normal.
  if (!(length > 1e-6)) return null;
  return [normal[0] / length, normal[1] / length, normal[2] / length];
}

/** One image of a stack as the matching needs it; any part may be unknown. */
export interface SlicePlace {
  readonly position: readonly number[] | null | undefined;
  readonly orientation: readonly number[] | null | undefined;
  /** Frame of Reference UID: positions compare only within one frame of reference. */
  readonly frameOfReferenceUid?: string | null;
}

/** Planes closer to parallel than about 8° are read as the same plane direction. */
const parallelCosine = 0.99;

function asVector(values: readonly number[] | null | undefined): Vector3 | null {
  if (!values || values.length !== 3 || !values.every(Number.isFinite)) return null;
  return [values[0] as number, values[1] as number, values[2] as number];
}

/**
 * The index of the partner slice nearest to `from` along `from`'s normal: the slice a reader
 * expects beside the one shown, whatever the two series' slice counts or spacings. Undefined
 * when position cannot decide: `from` has no geometry, the frames of reference differ, or no
 * partner slice is parallel to it with a position (the caller then falls back to another rule).
 * Of two partner slices equally near, the first is taken, so the answer is stable.
 */
export function nearestSliceIndex(from: SlicePlace, partner: readonly SlicePlace[]): number | undefined {
  const position = asVector(from.position);
  const normal = from.orientation ? sliceNormal(from.orientation) : null;
  if (!position || !normal) return undefined;
  const place = dot(position, normal);
  let best: number | undefined;
  let bestDistance = Infinity;
  partner.forEach((slice, index) => {
    if (from.frameOfReferenceUid && slice.frameOfReferenceUid && from.frameOfReferenceUid !== slice.frameOfReferenceUid) return;
    const slicePosition = asVector(slice.position);
    const sliceNormalVector = slice.orientation ? sliceNormal(slice.orientation) : null;
    if (!slicePosition || !sliceNormalVector || Math.abs(dot(sliceNormalVector, normal)) < parallelCosine) return;
    const distance = Math.abs(dot(slicePosition, normal) - place);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = index;
    }
  });
  return best;
}
