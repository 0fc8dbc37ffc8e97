import type { StackInstance } from '../../src-shared/contract';

/** Whether a series forms a regular volume MPR can reslice, and if not, why in plain words. */
export type VolumeCheck = { ok: true; spacing: number } | { ok: false; reason: string };

const dot = (a: readonly number[], b: readonly number[]) => (a[0] ?? 0) * (b[0] ?? 0) + (a[1] ?? 0) * (b[1] ?? 0) + (a[2] ?? 0) * (b[2] ?? 0);

export function checkVolume(instances: readonly StackInstance[]): VolumeCheck {
  if (instances.length < 3) return { ok: false, reason: 'MPR needs at least three slices.' };
  if (instances.some((i) => i.numberOfFrames > 1)) return { ok: false, reason: 'MPR of multi-frame instances is not supported yet.' };
  const first = instances[0];
  const orientation = first?.imageOrientationPatient;
  if (!first || !orientation || orientation.length !== 6) return { ok: false, reason: 'The images carry no orientation.' };
  const row = orientation.slice(0, 3);
  const column = orientation.slice(3, 6);
  const normal = [
    (row[1] ?? 0) * (column[2] ?? 0) - (row[2] ?? 0) * (column[1] ?? 0),
    (row[2] ?? 0) * (column[0] ?? 0) - (row[0] ?? 0) * (column[2] ?? 0),
    (row[0] ?? 0) * (column[1] ?? 0) - (row[1] ?? 0) * (column[0] ?? 0),
  ];
  for (const instance of instances) {
    const o = instance.imageOrientationPatient;
    if (!o || o.some((value, index) => Math.abs(value - (orientation[index] ?? NaN)) > 1e-3)) return { ok: false, reason: 'The slices do not share one orientation.' };
    if (!instance.imagePositionPatient) return { ok: false, reason: 'A slice carries no position.' };
    if (instance.rows !== first.rows || instance.columns !== first.columns) return { ok: false, reason: 'The slices differ in size.' };
  }
  const positions = instances.map((i) => i.imagePositionPatient ?? [0, 0, 0]);
  const p0 = positions[0] ?? [0, 0, 0];
  const pn = positions[positions.length - 1] ?? [0, 0, 0];
  const along = [0, 1, 2].map((axis) => (pn[axis] ?? 0) - (p0[axis] ?? 0));
  const length = Math.hypot(...along);
  if (length < 1e-3) return { ok: false, reason: 'The slices all lie at one position.' };
  // The slices must stack along their own normal; a gantry tilt shears them off it.
  const cosine = Math.abs(dot(along, normal)) / length;
  if (cosine < 0.999) {
    const tilt = (Math.acos(Math.min(1, cosine)) * 180) / Math.PI;
    return { ok: false, reason: `The slices are sheared by a gantry tilt of ${tilt.toFixed(1)}°; MPR would distort them, so it is refused.` };
  }
  const gaps = positions.slice(1).map((p, index) => dot([0, 1, 2].map((axis) => (p[axis] ?? 0) - (positions[index]?.[axis] ?? 0)), normal));
  const spacing = Math.abs(gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length);
  if (gaps.some((gap) => Math.abs(Math.abs(gap) - spacing) > Math.max(0.05 * spacing, 0.01))) {
    return { ok: false, reason: 'The slice spacing is uneven; MPR would misplace slices, so it is refused.' };
  }
  return { ok: true, spacing };
}
