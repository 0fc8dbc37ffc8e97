import fs from 'node:fs';
import dicomParser from 'dicom-parser';

/**
 * A series' volume geometry read from its files with dicom-parser, and the section a
 * plane cuts through it, computed here without the viewer's code: the reference the
 * MPR test compares the rendered reformats with.
 */
export type Vec3 = [number, number, number];

export interface VolumeBox {
  /** Centre of the first voxel (first column, first row, first slice along the normal). */
  origin: Vec3;
  /** One step along columns, rows and slices, in millimetres of patient space. */
  columnStep: Vec3;
  rowStep: Vec3;
  sliceStep: Vec3;
  columns: number;
  rows: number;
  slices: number;
  /** Whether every stored value is non-negative after rescale (unsigned pixels, no negative intercept). */
  nonNegative: boolean;
}

const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

function numbers(ds: dicomParser.DataSet, tag: string): number[] {
  return (ds.string(tag) ?? '').split('\\').map(Number);
}

export function readVolumeBox(files: readonly string[]): VolumeBox {
  const slices = files.map((file) => {
    const bytes = fs.readFileSync(file);
    const ds = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
    return {
      position: numbers(ds, 'x00200032') as Vec3,
      orientation: numbers(ds, 'x00200037'),
      spacing: numbers(ds, 'x00280030'),
      rows: ds.uint16('x00280010') ?? 0,
      columns: ds.uint16('x00280011') ?? 0,
      pixelRepresentation: ds.uint16('x00280103') ?? 0,
      intercept: ds.floatString('x00281052') ?? 0,
      slope: ds.floatString('x00281053') ?? 1,
    };
  });
  const first = slices[0];
  if (!first || first.orientation.length !== 6 || first.spacing.length !== 2) throw new Error('the files carry no geometry');
  const row = first.orientation.slice(0, 3) as Vec3;
  const column = first.orientation.slice(3, 6) as Vec3;
  const normal = cross(row, column);
  const sorted = [...slices].sort((a, b) => dot(a.position, normal) - dot(b.position, normal));
  const start = sorted[0]?.position ?? first.position;
  const end = sorted[sorted.length - 1]?.position ?? first.position;
  const [rowSpacing = NaN, columnSpacing = NaN] = first.spacing;
  return {
    origin: start,
    // PixelSpacing is (between rows, between columns); moving one column goes along the row cosines.
    columnStep: scale(row, columnSpacing),
    rowStep: scale(column, rowSpacing),
    sliceStep: scale(sub(end, start), 1 / Math.max(1, sorted.length - 1)),
    columns: first.columns,
    rows: first.rows,
    slices: sorted.length,
    nonNegative: slices.every((s) => s.pixelRepresentation === 0 && s.intercept >= 0 && s.slope > 0),
  };
}

/**
 * The extents, along two in-plane directions, of the section of the box (voxel centres)
 * cut by the plane through `point` with normal `normal`.
 */
export function sectionExtents(box: VolumeBox, point: Vec3, normal: Vec3, right: Vec3, up: Vec3): { width: number; height: number } {
  const along = [scale(box.columnStep, box.columns - 1), scale(box.rowStep, box.rows - 1), scale(box.sliceStep, box.slices - 1)] as const;
  const corners: Vec3[] = [];
  for (let mask = 0; mask < 8; mask++) {
    let corner = box.origin;
    for (let axis = 0; axis < 3; axis++) if (mask & (1 << axis)) corner = add(corner, along[axis] ?? [0, 0, 0]);
    corners.push(corner);
  }
  const points: Vec3[] = [];
  for (let a = 0; a < 8; a++) {
    for (let axis = 0; axis < 3; axis++) {
      const b = a | (1 << axis);
      if (b === a) continue;
      const p = corners[a] ?? box.origin;
      const q = corners[b] ?? box.origin;
      const dp = dot(sub(p, point), normal);
      const dq = dot(sub(q, point), normal);
      if (dp === dq) {
        if (Math.abs(dp) < 1e-9) points.push(p, q);
        continue;
      }
      const t = dp / (dp - dq);
      if (t >= 0 && t <= 1) points.push(add(p, scale(sub(q, p), t)));
    }
  }
  if (points.length === 0) return { width: 0, height: 0 };
  const xs = points.map((p) => dot(p, right));
  const ys = points.map((p) => dot(p, up));
  return { width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
}
