/**
 * Three-component vectors in patient space (DICOM's LPS millimetres): points, direction cosines
 * and normals. One home for the few operations the geometry modules of both processes need.
 */
export type Vec3 = [number, number, number];
export type ReadonlyVec3 = readonly [number, number, number];

export function dot(a: ReadonlyVec3, b: ReadonlyVec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: ReadonlyVec3, b: ReadonlyVec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** a + b·scale. */
export function add(a: ReadonlyVec3, b: ReadonlyVec3, scale = 1): Vec3 {
  return [a[0] + b[0] * scale, a[1] + b[1] * scale, a[2] + b[2] * scale];
}

/** a − b. */
export function subtract(a: ReadonlyVec3, b: ReadonlyVec3): Vec3 {
  return add(a, b, -1);
}

/** The first three values as a vector, when there are three finite ones. */
export function asVec3(values: readonly number[] | null | undefined): Vec3 | undefined {
  return values && values.length >= 3 && values.slice(0, 3).every(Number.isFinite) ? [values[0]!, values[1]!, values[2]!] : undefined;
}
