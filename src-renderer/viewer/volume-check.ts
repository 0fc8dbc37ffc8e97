import type { StackInstance } from '../../src-shared/contract';
import { sliceNormal } from '../../src-shared/imaging/slice-geometry';
import { asVec3, dot, subtract, type Vec3 } from '../../src-shared/imaging/vector3';

/** Whether a series forms a regular volume MPR can reslice, and if not, why in plain words. */
export type VolumeCheck = { ok: true; spacing: number } | { ok: false; reason: string };

export function checkVolume(instances: readonly StackInstance[]): VolumeCheck {
  if (instances.length < 3) return { ok: false, reason: 'MPR needs at least three slices.' };
  if (instances.some((i) => i.numberOfFrames > 1)) return { ok: false, reason: 'MPR of multi-frame instances is not supported yet.' };
  const first = instances[0];
  const orientation = first?.imageOrientationPatient;
  if (!first || !orientation || orientation.length !== 6) return { ok: false, reason: 'The images carry no orientation.' };
  const normal = sliceNormal(orientation);
  if (!normal) return { ok: false, reason: 'The images carry no usable orientation.' };
  for (const instance of instances) {
    const o = instance.imageOrientationPatient;
    if (!o || o.some((value, index) => Math.abs(value - (orientation[index] ?? NaN)) > 1e-3)) return { ok: false, reason: 'The slices do not share one orientation.' };
    if (!instance.imagePositionPatient) return { ok: false, reason: 'A slice carries no position.' };
    if (instance.rows !== first.rows || instance.columns !== first.columns) return { ok: false, reason: 'The slices differ in size.' };
  }
  const origin: Vec3 = [0, 0, 0];
  const positions = instances.map((i) => asVec3(i.imagePositionPatient) ?? origin);
  const along = subtract(positions[positions.length - 1] ?? origin, positions[0] ?? origin);
  const length = Math.hypot(...along);
  if (length < 1e-3) return { ok: false, reason: 'The slices all lie at one position.' };
  // The slices must stack along their own normal; a gantry tilt shears them off it.
  const cosine = Math.abs(dot(along, normal)) / length;
  if (cosine < 0.999) {
    const tilt = (Math.acos(Math.min(1, cosine)) * 180) / Math.PI;
    return { ok: false, reason: `The slices are sheared by a gantry tilt of ${tilt.toFixed(1)}°; MPR would distort them, so it is refused.` };
  }
  const gaps = positions.slice(1).map((p, index) => dot(subtract(p, positions[index] ?? origin), normal));
  const spacing = Math.abs(gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length);
  if (gaps.some((gap) => Math.abs(Math.abs(gap) - spacing) > Math.max(0.05 * spacing, 0.01))) {
    return { ok: false, reason: 'The slice spacing is uneven; MPR would misplace slices, so it is refused.' };
  }
  return { ok: true, spacing };
}
