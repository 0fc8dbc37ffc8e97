import { currentMeasurements, measurementHandles } from '../../viewer/services';

/** A rectangle of image pixels: x0/y0 inclusive, x1/y1 exclusive. */
export interface PixelRegion {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * The last rectangle ROI the reader drew on this image, in image pixels, read through the
 * viewer's services, or undefined when there is none.
 */
export function rectangleRoiOn(imageId: string | undefined): PixelRegion | undefined {
  if (!imageId) return undefined;
  const rectangles = currentMeasurements().filter((m) => m.toolName === 'RectangleROI' && m.imageId === imageId);
  const last = rectangles[rectangles.length - 1];
  const points = last ? measurementHandles(last.annotationUid) : undefined;
  if (!points || points.length === 0) return undefined;
  const columns = points.map(([column]) => column);
  const rows = points.map(([, row]) => row);
  const region = { x0: Math.floor(Math.min(...columns)), y0: Math.floor(Math.min(...rows)), x1: Math.ceil(Math.max(...columns)), y1: Math.ceil(Math.max(...rows)) };
  return [region.x0, region.y0, region.x1, region.y1].every(Number.isFinite) && region.x1 > region.x0 && region.y1 > region.y0 ? region : undefined;
}

/**
 * The region as inference.run takes it (x, y, width, height), clipped to the image when its
 * size is known: a rectangle dragged past the image's edge means "up to the edge".
 */
export function regionRequest(region: PixelRegion, image?: { width: number; height: number }): { x: number; y: number; width: number; height: number } {
  const x0 = Math.max(0, region.x0);
  const y0 = Math.max(0, region.y0);
  const x1 = image ? Math.min(image.width, region.x1) : region.x1;
  const y1 = image ? Math.min(image.height, region.y1) : region.y1;
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

/** The image on screen as one entry of inference.run's instances (frames there are 0-based). */
export function currentImage(image: { sopInstanceUid: string | undefined; frame: number | undefined } | undefined): { sopInstanceUid: string; frame: number } | undefined {
  return image?.sopInstanceUid ? { sopInstanceUid: image.sopInstanceUid, frame: (image.frame ?? 1) - 1 } : undefined;
}

/** The same region at an output scale. */
export function scaleRegion(region: PixelRegion, scale: number): PixelRegion {
  return { x0: region.x0 * scale, y0: region.y0 * scale, x1: region.x1 * scale, y1: region.y1 * scale };
}
