import { cache, init as initCore, isCornerstoneInitialized } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import {
  AngleTool,
  EllipticalROITool,
  LengthTool,
  PanTool,
  PlanarRotateTool,
  ProbeTool,
  RectangleROITool,
  StackScrollTool,
  WindowLevelTool,
  ZoomTool,
  CrosshairsTool,
  addTool,
  init as initTools,
} from '@cornerstonejs/tools';
import { imageCacheBytes } from './image-memory';
import { registerWadouriLoader } from './loader/wadouri-loader';
import { configurePrefetch } from './prefetch-pacing';

export const toolClasses = [
  WindowLevelTool,
  PanTool,
  ZoomTool,
  StackScrollTool,
  PlanarRotateTool,
  LengthTool,
  AngleTool,
  EllipticalROITool,
  RectangleROITool,
  ProbeTool,
  CrosshairsTool,
] as const;

let initialised: Promise<void> | undefined;

/**
 * Starts Cornerstone3D once: the rendering core, the DICOM image loader with its
 * decoding web workers (every codec runs there, never on the UI thread), and the tools.
 * Idempotent, so every viewer may call it.
 */
export function initCornerstone(): Promise<void> {
  initialised ??= (async () => {
    if (!isCornerstoneInitialized()) initCore();
    const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
    dicomImageLoader.init({ maxWebWorkers: Math.max(1, Math.min(4, cores - 1)) });
    registerWadouriLoader();
    initTools();
    for (const tool of toolClasses) addTool(tool);
    cache.setMaxCacheSize(imageCacheBytes);
    configurePrefetch();
  })();
  return initialised;
}
