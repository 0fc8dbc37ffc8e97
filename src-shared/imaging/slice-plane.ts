/**
 * Where a slice lies in patient space (DICOM's LPS millimetres), and how a view's camera moves so
 * its plane passes through a point: what opening MPR at the slice being read needs. Pure maths,
 * shared by whoever needs it; the field names follow Cornerstone's imagePlaneModule.
 */
export type Vec3 = [number, number, number];

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

const finiteVector = (values: readonly number[]): values is Vec3 => values.length >= 3 && values.slice(0, 3).every(Number.isFinite);

/**
 * The centre of a slice: the first pixel's centre plus half the image's extent along its rows and
 * columns. Undefined when the slice lacks a usable position, orientation, spacing or size.
 */
export function sliceCentre(plane: SlicePlane): Vec3 | undefined {
  const { imagePositionPatient: position, rowCosines, columnCosines, rowPixelSpacing, columnPixelSpacing, rows, columns } = plane;
  if (!finiteVector(position) || !finiteVector(rowCosines) || !finiteVector(columnCosines)) return undefined;
  if (!(rowPixelSpacing > 0) || !(columnPixelSpacing > 0) || !(rows > 0) || !(columns > 0)) return undefined;
  const alongRow = (columnPixelSpacing * (columns - 1)) / 2;
  const alongColumn = (rowPixelSpacing * (rows - 1)) / 2;
  return [0, 1, 2].map((axis) => position[axis]! + rowCosines[axis]! * alongRow + columnCosines[axis]! * alongColumn) as Vec3;
}

export interface PlaneCamera {
  focalPoint: Vec3;
  position: Vec3;
  /** Unit normal of the view's plane. */
  viewPlaneNormal: Vec3;
}

/** Signed distance from a view's plane to a point, along the plane's normal. */
export function distanceFromPlane(camera: Pick<PlaneCamera, 'focalPoint' | 'viewPlaneNormal'>, point: Vec3): number {
  const { focalPoint, viewPlaneNormal: n } = camera;
  return (point[0] - focalPoint[0]) * n[0] + (point[1] - focalPoint[1]) * n[1] + (point[2] - focalPoint[2]) * n[2];
}

/**
 * The camera moved along its normal only, so its plane passes through `point`: the view keeps
 * its direction, pan and zoom, as scrolling to that depth would.
 */
export function cameraThrough(camera: PlaneCamera, point: Vec3): Pick<PlaneCamera, 'focalPoint' | 'position'> {
  const distance = distanceFromPlane(camera, point);
  const shift = (v: Vec3): Vec3 => [v[0] + camera.viewPlaneNormal[0] * distance, v[1] + camera.viewPlaneNormal[1] * distance, v[2] + camera.viewPlaneNormal[2] * distance];
  return { focalPoint: shift(camera.focalPoint), position: shift(camera.position) };
}
