import { metaData, type StackViewport, type Types } from '@cornerstonejs/core';
import type { Segmentation, SegmentationFrame } from '../../src-shared/contract';
import { add, asVec3, cross, dot, type Vec3 } from '../../src-shared/imaging/vector3';
import { parseImageId } from './image-ids';

/*
 * SEG masks drawn on a plain 2D canvas laid over the stack viewport, placed through the viewport's
 * own worldToCanvas, so pan, zoom, rotation and flips move the masks with the image. A 2D canvas
 * rather than Cornerstone's labelmap representation: it needs no second WebGL pipeline, draws the
 * same under SwiftShader as on a GPU, and each frame keeps the SEG's own grid and position.
 */

/** How opaque a fully set mask pixel is drawn, so the anatomy under it stays readable. */
export const overlayOpacity = 0.5;

interface ImagePlane {
  imagePositionPatient?: number[];
  rowCosines?: number[];
  columnCosines?: number[];
  rowPixelSpacing?: number | null;
  columnPixelSpacing?: number | null;
  sliceThickness?: number | null;
  rows?: number;
  columns?: number;
  frameOfReferenceUID?: string;
}

/** A plane in patient space: the centre of pixel (0, 0) and the steps to the next column and row. */
interface Grid {
  origin: Vec3;
  columnStep: Vec3;
  rowStep: Vec3;
}

/** DICOM geometry: Image Orientation's first triplet runs along a row (column index grows), Pixel Spacing is [between rows, between columns]. */
function grid(position: Vec3, orientation: readonly number[], spacing: readonly number[]): Grid | undefined {
  const alongRow = asVec3(orientation.slice(0, 3));
  const alongColumn = asVec3(orientation.slice(3, 6));
  const [rowSpacing, columnSpacing] = spacing;
  if (!alongRow || !alongColumn || !rowSpacing || !columnSpacing) return undefined;
  return { origin: position, columnStep: add([0, 0, 0], alongRow, columnSpacing), rowStep: add([0, 0, 0], alongColumn, rowSpacing) };
}

function imageGrid(plane: ImagePlane): Grid | undefined {
  const position = asVec3(plane.imagePositionPatient);
  if (!position || !plane.rowCosines || !plane.columnCosines) return undefined;
  return grid(position, [...plane.rowCosines, ...plane.columnCosines], [plane.rowPixelSpacing ?? 1, plane.columnPixelSpacing ?? 1]);
}

/** Where a SEG frame lies: its own position and the SEG's orientation and spacing, when it has them. */
function frameGrid(segmentation: Segmentation, frame: SegmentationFrame): Grid | undefined {
  const position = asVec3(frame.imagePositionPatient);
  if (!position || !segmentation.imageOrientationPatient || !segmentation.pixelSpacing) return undefined;
  return grid(position, segmentation.imageOrientationPatient, segmentation.pixelSpacing);
}

/** A frame to draw on the image now shown, and the grid its mask is laid on. */
export interface PlacedFrame {
  segmentation: Segmentation;
  frame: SegmentationFrame;
  grid: Grid;
}

/**
 * The frames that lie on an image: those that name it (by SOP Instance UID, and frame when
 * given), else, for frames naming no image of the shown series, those within half a slice of it
 * along its normal, in the same frame of reference.
 */
export function framesOnImage(segmentations: readonly Segmentation[], imageId: string, seriesSopUids: ReadonlySet<string>): PlacedFrame[] {
  const address = parseImageId(imageId);
  const plane = metaData.get('imagePlaneModule', imageId) as ImagePlane | undefined;
  if (!address || !plane) return [];
  const image = imageGrid(plane);
  const alongRow = asVec3(plane.rowCosines);
  const alongColumn = asVec3(plane.columnCosines);
  const normal = alongRow && alongColumn ? cross(alongRow, alongColumn) : undefined;
  const placed: PlacedFrame[] = [];
  for (const segmentation of segmentations) {
    const halfSlice = Math.max(0.01, (segmentation.sliceThickness ?? plane.sliceThickness ?? 1) / 2);
    const sameFrameOfReference = !segmentation.frameOfReferenceUid || !plane.frameOfReferenceUID || segmentation.frameOfReferenceUid === plane.frameOfReferenceUID;
    const sameSize = plane.rows === segmentation.rows && plane.columns === segmentation.columns;
    for (const frame of segmentation.frames) {
      const named = frame.referencedSopInstanceUid;
      if (named && seriesSopUids.has(named)) {
        const frameMatches = frame.referencedFrameNumber === null || address.frame === undefined || frame.referencedFrameNumber === address.frame;
        if (named !== address.sopInstanceUid || !frameMatches) continue;
        // The SEG's grid when it gives one; the image's own when the mask is the image's size.
        const placedGrid = frameGrid(segmentation, frame) ?? (sameSize ? image : undefined);
        if (placedGrid) placed.push({ segmentation, frame, grid: placedGrid });
        continue;
      }
      const own = frameGrid(segmentation, frame);
      const position = asVec3(plane.imagePositionPatient);
      if (!own || !normal || !position || !sameFrameOfReference) continue;
      const distance = dot(add(own.origin, position, -1), normal);
      if (Math.abs(distance) <= halfSlice) placed.push({ segmentation, frame, grid: own });
    }
  }
  return placed;
}

/** A frame's mask as an RGBA canvas in its segment's colour, opacity from the mask's value. */
function maskCanvas(segmentation: Segmentation, frame: SegmentationFrame): HTMLCanvasElement | undefined {
  const segment = segmentation.segments.find((s) => s.number === frame.segmentNumber);
  if (!segment) return undefined;
  const { rows, columns } = frame.box;
  const binary = atob(frame.mask);
  const canvas = document.createElement('canvas');
  canvas.width = columns;
  canvas.height = rows;
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  const pixels = context.createImageData(columns, rows);
  const [r, g, b] = segment.rgb;
  const maximum = segmentation.maximumFractionalValue;
  for (let i = 0; i < rows * columns; i++) {
    const value =
      segmentation.segmentationType === 'BINARY' ? (binary.charCodeAt(i >> 3) >> (i & 7)) & 1 : Math.min(1, binary.charCodeAt(i) / maximum);
    if (value === 0) continue;
    pixels.data.set([r, g, b, Math.round(255 * value)], i * 4);
  }
  context.putImageData(pixels, 0, 0);
  return canvas;
}

const maskCanvases = new WeakMap<SegmentationFrame, HTMLCanvasElement | null>();

function cachedMaskCanvas(segmentation: Segmentation, frame: SegmentationFrame): HTMLCanvasElement | undefined {
  if (!maskCanvases.has(frame)) maskCanvases.set(frame, maskCanvas(segmentation, frame) ?? null);
  return maskCanvases.get(frame) ?? undefined;
}

/** Draws the visible segments' frames on the image shown now; `hidden` holds "SOP UID:segment number" keys. */
export function drawSegmentations(
  overlay: HTMLCanvasElement,
  viewport: StackViewport,
  segmentations: readonly Segmentation[],
  seriesSopUids: ReadonlySet<string>,
  hidden: ReadonlySet<string>,
): void {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.round(overlay.clientWidth * ratio);
  const height = Math.round(overlay.clientHeight * ratio);
  if (overlay.width !== width || overlay.height !== height) {
    overlay.width = width;
    overlay.height = height;
  }
  const context = overlay.getContext('2d');
  if (!context) return;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, width, height);
  const imageId = viewport.getImageIds().length > 0 ? viewport.getCurrentImageId() : undefined;
  if (!imageId) return;
  context.imageSmoothingEnabled = false;
  context.globalAlpha = overlayOpacity;
  for (const { segmentation, frame, grid } of framesOnImage(segmentations, imageId, seriesSopUids)) {
    if (hidden.has(`${segmentation.sopInstanceUid}:${frame.segmentNumber}`)) continue;
    const mask = cachedMaskCanvas(segmentation, frame);
    if (!mask) continue;
    // The box's top-left pixel corner, and one column and one row on, in canvas (CSS) pixels.
    const corner = add(add(grid.origin, grid.columnStep, frame.box.column - 0.5), grid.rowStep, frame.box.row - 0.5);
    const toCanvas = (point: Vec3): Types.Point2 => viewport.worldToCanvas(point);
    const [x0, y0] = toCanvas(corner);
    const [x1, y1] = toCanvas(add(corner, grid.columnStep));
    const [x2, y2] = toCanvas(add(corner, grid.rowStep));
    context.setTransform((x1 - x0) * ratio, (y1 - y0) * ratio, (x2 - x0) * ratio, (y2 - y0) * ratio, x0 * ratio, y0 * ratio);
    context.drawImage(mask, 0, 0);
  }
  context.setTransform(1, 0, 0, 1, 0, 0);
}
