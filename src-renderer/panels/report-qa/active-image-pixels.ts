import { metaData } from '@cornerstonejs/core';
import { currentMeasurements, decodedPixels, measurementHandles, type ActiveImage } from '../../viewer/services';
import { displayedGrey, fullRangeWindow, type GreyImage, type PixelRect } from './displayed-pixels';

/** Region tools whose bounding box can be asked about. */
const regionTools = new Set(['RectangleROI', 'EllipticalROI']);

/** The latest region drawn on the image on screen, as a whole-pixel box, or undefined. */
export function activeRoi(active: ActiveImage): PixelRect | undefined {
  const region = currentMeasurements()
    .filter((item) => item.imageId === active.imageId && regionTools.has(item.toolName))
    .at(-1);
  const handles = region ? measurementHandles(region.annotationUid) : undefined;
  if (!handles || handles.length === 0) return undefined;
  const xs = handles.map(([x]) => x);
  const ys = handles.map(([, y]) => y);
  const x = Math.max(0, Math.floor(Math.min(...xs)));
  const y = Math.max(0, Math.floor(Math.min(...ys)));
  const width = Math.ceil(Math.max(...xs)) - x;
  const height = Math.ceil(Math.max(...ys)) - y;
  return Number.isFinite(width) && width > 0 && height > 0 ? { x, y, width, height } : undefined;
}

export interface DisplayedSlice {
  image: GreyImage;
  window: { center: number; width: number };
}

/** The active image as displayed: modality values through the viewport's window, cropped to the ROI. */
export async function displayedSlice(active: ActiveImage, roi: PixelRect | undefined): Promise<DisplayedSlice> {
  const decoded = await decodedPixels(active.imageId);
  let values: ArrayLike<number> = decoded.pixels;
  if (!decoded.preScaled && decoded.samplesPerPixel === 1) {
    const lut = metaData.get('modalityLutModule', active.imageId) as { rescaleSlope?: number; rescaleIntercept?: number } | undefined;
    const slope = lut?.rescaleSlope ?? 1;
    const intercept = lut?.rescaleIntercept ?? 0;
    if (slope !== 1 || intercept !== 0) values = decoded.pixels.map((value) => value * slope + intercept);
  }
  const window =
    active.windowCenter !== undefined && active.windowWidth !== undefined && active.windowWidth > 0
      ? { center: active.windowCenter, width: active.windowWidth, lutFunction: active.voiLutFunction }
      : fullRangeWindow(values);
  const image = displayedGrey({ rows: decoded.rows, columns: decoded.columns, samplesPerPixel: decoded.samplesPerPixel, photometricInterpretation: decoded.photometricInterpretation, values }, window, roi);
  return { image, window };
}
