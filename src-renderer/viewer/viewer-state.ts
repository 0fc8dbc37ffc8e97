import { cache, imageLoader, metaData, utilities, type Types } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { annotation, cancelActiveManipulations } from '@cornerstonejs/tools';
import type { VoiLutFunction } from '../../src-shared/imaging/voi';
import { parseImageId } from './image-ids';
import { initCornerstone } from './cornerstone-init';
import { currentMeasurements, measurementHandles, type MeasurementSummary } from './measurements';
import { MprController, type MprOrientation, type MprViewState } from './mpr-controller';
import { ViewerController } from './viewer-controller';

/** The one viewer controller of this window. */
export const viewer = new ViewerController();
/** The reformats (MPR), when a series is shown as a volume. */
export const mpr = new MprController();

/** What AI panels (and tests) may read about the viewer: the active viewport's image and window. */
export interface ActiveImage {
  viewportId: string;
  imageId: string;
  sopInstanceUid: string | undefined;
  /** 1-based frame of a multi-frame instance, else undefined. */
  frame: number | undefined;
  imageIndex: number;
  imageCount: number;
  windowCenter: number | undefined;
  windowWidth: number | undefined;
  /** The VOI LUT Function the window is read in (the image's own; LINEAR when it has none). */
  voiLutFunction: VoiLutFunction;
}

export function getActiveImage(): ActiveImage | undefined {
  const status = viewer.status();
  if (!status?.imageId) return undefined;
  const ref = parseImageId(status.imageId);
  return {
    viewportId: status.viewportId,
    imageId: status.imageId,
    sopInstanceUid: ref?.sopInstanceUid,
    frame: ref?.frame,
    imageIndex: status.imageIndex,
    imageCount: status.imageCount,
    windowCenter: status.windowCenter,
    windowWidth: status.windowWidth,
    voiLutFunction: status.voiLutFunction,
  };
}

/** Called on slice, window, layout or tool changes. */
export function onViewerChange(listener: () => void): () => void {
  return viewer.subscribe(listener);
}

/** Decoded pixels of an image as the loader produced them (after the modality LUT when it pre-scales). */
export interface DecodedPixels {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometricInterpretation: string;
  preScaled: boolean;
  pixels: number[];
}

export async function decodedPixels(imageId: string): Promise<DecodedPixels> {
  await initCornerstone();
  const image = await imageLoader.loadAndCacheImage(imageId);
  const pixelModule = metaData.get('imagePixelModule', imageId) as { photometricInterpretation?: string } | undefined;
  const data = image.getPixelData();
  return {
    rows: image.rows,
    columns: image.columns,
    samplesPerPixel: image.numberOfComponents ?? (image.color ? 3 : 1),
    photometricInterpretation: pixelModule?.photometricInterpretation ?? '',
    preScaled: image.preScale?.scaled ?? false,
    pixels: Array.from(data),
  };
}

/** What a mouse tool may have changed in the active viewport: enough to tell which tool acted. */
export interface ViewEffectState {
  imageIndex: number;
  pan: [number, number];
  zoom: number;
  rotation: number;
  voi: [number, number] | undefined;
  /** Annotations per tool name, on every image. */
  annotations: Record<string, number>;
}

export function viewEffectState(): ViewEffectState | undefined {
  const viewport = viewer.viewport();
  if (!viewport) return undefined;
  const presentation = viewport.getViewPresentation();
  const voi = viewport.getProperties().voiRange;
  const annotations: Record<string, number> = {};
  for (const item of annotation.state.getAllAnnotations()) {
    const name = item.metadata?.toolName ?? '';
    annotations[name] = (annotations[name] ?? 0) + 1;
  }
  const pan = presentation.pan ?? [0, 0];
  return {
    imageIndex: viewport.getCurrentImageIdIndex(),
    pan: [pan[0], pan[1]],
    zoom: presentation.zoom ?? 1,
    rotation: presentation.rotation ?? 0,
    voi: voi ? [voi.lower, voi.upper] : undefined,
    annotations,
  };
}

export interface ViewerTestHooks {
  getActiveImage: typeof getActiveImage;
  /** The active viewport's slice, pan, zoom, rotation, window and annotation counts. */
  viewEffectState: typeof viewEffectState;
  /** Removes every measurement (they are then saved as removed) and resets the active view. */
  clearMeasurementsAndView: () => void;
  measurements: () => MeasurementSummary[];
  /** Handles of a measurement in image pixel coordinates (column, row). */
  measurementHandles: (annotationUid: string) => [number, number][] | undefined;
  /** Handles of a measurement in page (client) coordinates, when its image is in the active viewport. */
  measurementHandlesOnPage: (annotationUid: string) => [number, number][] | undefined;
  decodedPixels: typeof decodedPixels;
  /** Where an image pixel's centre (column, row) of the active viewport's image is drawn, in canvas CSS pixels. */
  canvasPointOfImagePixel: (column: number, row: number) => [number, number] | undefined;
  scrollTo: (index: number) => Promise<void>;
  cacheBytes: () => number;
  /** How many of a viewport's images are decoded and cached. */
  loadedCount: (viewportId: string) => { loaded: number; total: number };
  /** Forgets every decoded image and parsed file (tests re-point UIDs at other files). */
  purgeImageCache: () => void;
  /** The MPR views' cameras and slices (empty when MPR is not shown), and whether the volume has loaded. */
  mprViews: () => { loaded: boolean; views: MprViewState[] };
  mprApplyWindow: (center: number, width: number) => void;
  mprJumpToSlice: (orientation: MprOrientation, sliceIndex: number) => Promise<void>;
  /** The MPR volume's image IDs in slice (k) order, and a measurement's handles as continuous (column, row, slice) indices into it. */
  mprMeasurementIndices: (annotationUid: string) => { imageIds: string[]; points: [number, number, number][] } | undefined;
}

declare global {
  interface Window {
    /** The viewer's read API, for AI panels in this window and for end-to-end tests. */
    radstationViewer?: ViewerTestHooks;
  }
}

export function exposeViewerApi(): void {
  window.radstationViewer = {
    getActiveImage,
    viewEffectState,
    clearMeasurementsAndView: () => {
      // End a measurement still being drawn first: removed under a drawing tool, it would leave the tool holding the mouse.
      const element = viewer.viewport()?.element;
      if (element) cancelActiveManipulations(element);
      annotation.state.removeAllAnnotations();
      viewer.reset();
    },
    measurements: currentMeasurements,
    measurementHandles,
    measurementHandlesOnPage: (uid) => {
      const viewport = viewer.viewport();
      const item = annotation.state.getAnnotation(uid);
      if (!viewport || !item || item.metadata?.referencedImageId !== viewport.getCurrentImageId()) return undefined;
      const rect = viewport.element.getBoundingClientRect();
      const points = (item.data as { handles?: { points?: [number, number, number][] } }).handles?.points ?? [];
      return points.map((point) => {
        const [x, y] = viewport.worldToCanvas(point);
        return [rect.left + x, rect.top + y];
      });
    },
    decodedPixels,
    canvasPointOfImagePixel: (column, row) => {
      const viewport = viewer.viewport();
      const imageId = viewport?.getCurrentImageId();
      if (!viewport || !imageId) return undefined;
      const world = utilities.imageToWorldCoords(imageId, [column, row]);
      if (!world) return undefined;
      const [x, y] = viewport.worldToCanvas(world);
      return [x, y];
    },
    scrollTo: (index) => viewer.scrollTo(index),
    cacheBytes: () => cache.getCacheSize(),
    loadedCount: (viewportId) => {
      const ids = viewer.viewport(viewportId)?.getImageIds() ?? [];
      return { loaded: ids.filter((id) => cache.isLoaded(id)).length, total: ids.length };
    },
    purgeImageCache: () => {
      cache.purgeCache();
      dicomImageLoader.wadouri.dataSetCacheManager.purge();
    },
    mprViews: () => ({ loaded: mpr.loaded(), views: mpr.states() }),
    mprApplyWindow: (center, width) => mpr.applyWindow({ center, width }),
    mprJumpToSlice: (orientation, sliceIndex) => mpr.jumpToSlice(orientation, sliceIndex),
    mprMeasurementIndices: (uid) => {
      const item = annotation.state.getAnnotation(uid);
      const points = (item?.data as { handles?: { points?: Types.Point3[] } } | undefined)?.handles?.points;
      if (!points) return undefined;
      const indices = points.map((point) => mpr.volumeIndex(point));
      if (indices.some((index) => index === undefined)) return undefined;
      return { imageIds: mpr.volumeImageIds(), points: indices.map((index) => [index?.[0] ?? NaN, index?.[1] ?? NaN, index?.[2] ?? NaN]) };
    },
  };
}

// Available from the start, so AI panels and tests need not wait for a study to open.
exposeViewerApi();
