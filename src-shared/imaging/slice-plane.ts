/**
 * Where a slice lies in patient space (DICOM's LPS millimetres), and how a view's camera moves so
 * its plane passes through a point: what opening MPR at the slice being read needs. Pure maths,
 * shared by whoever needs it; the field names follow Cornerstone's imagePlaneModule.
 */
import { add, asVec3, cross, dot, subtract, type Vec3 } from './vector3';

export type { Vec3 };

export interface SlicePlane {
  /** Centre of the first transmitted pixel (Image Position (Patient)). */
  imagePositionPatient: readonly number[];
  /** Direction of increasing column index (the first half of Image Orientation (Patient)). */
  rowCosines: readonly number[];
  /** Direction of increasing row index (the second half). */
  columnCosines: readonly number[];
  /** Distance between the centres of adjacent rows (Pixel Spacing's first value). */
  rowPixelSpacing: number;
  /** Distance between the centres of adjacent columns (Pixel Spacing's second value). */
  columnPixelSpacing: number;
  rows: number;
  columns: number;
}

/**
 * The centre of a slice: the first pixel's centre plus half the image's extent along its rows and
 * columns. Undefined when the slice lacks a usable position, orientation, spacing or size.
 */
export function sliceCentre(plane: SlicePlane): Vec3 | undefined {
  const { rowPixelSpacing, columnPixelSpacing, rows, columns } = plane;
  const position = asVec3(plane.imagePositionPatient);
  const rowCosines = asVec3(plane.rowCosines);
  const columnCosines = asVec3(plane.columnCosines);
  if (!position || !rowCosines || !columnCosines) return undefined;
  if (!(rowPixelSpacing > 0) || !(columnPixelSpacing > 0) || !(rows > 0) || !(columns > 0)) return undefined;
  const alongRow = (columnPixelSpacing * (columns - 1)) / 2;
  const alongColumn = (rowPixelSpacing * (rows - 1)) / 2;
  return add(add(position, rowCosines, alongRow), columnCosines, alongColumn);
}

export interface PlaneCamera {
  focalPoint: Vec3;
  position: Vec3;
  /** Unit normal of the view's plane. */
  viewPlaneNormal: Vec3;
}

/** Signed distance from a view's plane to a point, along the plane's normal. */
export function distanceFromPlane(camera: Pick<PlaneCamera, 'focalPoint' | 'viewPlaneNormal'>, point: Vec3): number {
  return dot(subtract(point, camera.focalPoint), camera.viewPlaneNormal);
}

/**
 * The camera moved along its normal only, so its plane passes through `point`: the view keeps
 * its direction, pan and zoom, as scrolling to that depth would.
 */
export function cameraThrough(camera: PlaneCamera, point: Vec3): Pick<PlaneCamera, 'focalPoint' | 'position'> {
  const distance = distanceFromPlane(camera, point);
  return { focalPoint: add(camera.focalPoint, camera.viewPlaneNormal, distance), position: add(camera.position, camera.viewPlaneNormal, distance) };
}

/** A plane through a point, with its unit normal. */
export interface PlaneThrough {
  point: Vec3;
  normal: Vec3;
}

/**
 * The one point three planes share (where MPR's three views cross), by Cramer's rule on
 * nᵢ·x = nᵢ·pᵢ. Undefined when two of the planes are parallel, or nearly so, and no single
 * point is shared.
 */
export function planesMeet(planes: readonly [PlaneThrough, PlaneThrough, PlaneThrough]): Vec3 | undefined {
  const [a, b, c] = planes.map((plane) => plane.normal) as [Vec3, Vec3, Vec3];
  const bc = cross(b, c);
  const determinant = dot(a, bc);
  if (!(Math.abs(determinant) > 1e-6)) return undefined;
  const [da, db, dc] = planes.map((plane) => dot(plane.normal, plane.point)) as [number, number, number];
  // x = (da (b×c) + db (c×a) + dc (a×b)) / (a·(b×c))
  const sum = add(add(scale(bc, da), cross(c, a), db), cross(a, b), dc);
  return scale(sum, 1 / determinant);
}

function scale(v: Vec3, factor: number): Vec3 {
  return [v[0] * factor, v[1] * factor, v[2] * factor];
}
