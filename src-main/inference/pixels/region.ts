import type { PixelRegionRequest } from '../../../src-shared/contract/inference';
import type { ImageToImageTask } from '../../../src-shared/inference/manifest';
import { cropWithEdgePadding, type Plane } from './image-ops';

export type PixelRegion = PixelRegionRequest;

/**
 * Real neighbours given to the model around a region, in source pixels. Without them the
 * model sees repeated edge pixels at the region's borders and its output there differs from
 * the whole-slice output (by 181 of 644 for the compact ×4 on MPRAGE). With the compact bundle
 * (npm run bench:save-region), 16 pixels were exact for super-resolution but left T1→T2 off
 * by 5 of 698 (its encoder downsamples); 32 are exact for both. Tiled tasks use their overlap,
 * which their blending already trusts.
 */
const nativeContextPixels = 32;

/** Why a region does not fit an image of rows × columns, in words, or undefined when it does. */
export function regionProblem(region: PixelRegion, rows: number, columns: number): string | undefined {
  if (region.x + region.width > columns || region.y + region.height > rows) {
    return `the region x ${region.x}, y ${region.y}, ${region.width}×${region.height} runs outside the ${columns}×${rows} image`;
  }
  return undefined;
}

/** The region grown by `margin` pixels on each side, clipped to the image. */
export function withContext(region: PixelRegion, rows: number, columns: number, margin: number): PixelRegion {
  const x = Math.max(0, region.x - margin);
  const y = Math.max(0, region.y - margin);
  return { x, y, width: Math.min(columns, region.x + region.width + margin) - x, height: Math.min(rows, region.y + region.height + margin) - y };
}

/**
 * Runs `model` on a region only: the region and its context are cut from the (already
 * normalised) slice before the model, and the context is cut off its output. A task that
 * resizes to a fixed input sees the whole slice at a fixed size, so cropping its input
 * would change what it sees: it runs on the whole slice and its output is cropped instead.
 */
export async function runOnRegion(task: ImageToImageTask, image: Plane, region: PixelRegion, model: (input: Plane) => Promise<Plane>): Promise<Plane> {
  const scale = task.postprocessing.scale;
  const size = task.preprocessing.size;
  const window = size.kind === 'resize' ? { x: 0, y: 0, width: image.columns, height: image.rows } : withContext(region, image.rows, image.columns, size.kind === 'tile' ? size.overlap : nativeContextPixels);
  const input = cropWithEdgePadding(image, window.y, window.x, window.height, window.width);
  const output = await model(input);
  return cropWithEdgePadding(
    output,
    Math.round((region.y - window.y) * scale),
    Math.round((region.x - window.x) * scale),
    Math.round(region.height * scale),
    Math.round(region.width * scale),
  );
}
