import { fullRangeWindow } from '../../../src-shared/imaging/auto-window';
import { windowLevel, type VoiLutFunction } from '../../../src-shared/imaging/voi';
import type { FloatImage } from './bicubic';

export interface DisplayWindow {
  center: number;
  width: number;
  /** The viewport's VOI LUT Function; LINEAR when left out. */
  lutFunction?: VoiLutFunction;
}

/**
 * Grey levels of an image under a window, as RGBA for a canvas: the same VOI function as the
 * viewport (src-shared/imaging/voi), so a preview looks the way the slice does in the viewer.
 */
export function windowToRgba(image: FloatImage, window: DisplayWindow): ImageData {
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  const voi = { center: window.center, width: window.width, lutFunction: window.lutFunction ?? 'LINEAR' };
  // A LINEAR width below 1 is not a window (PS3.3 C.11.2.1.2.1): it is shown as a threshold.
  if (voi.lutFunction === 'LINEAR') voi.width = Math.max(1, voi.width);
  for (let i = 0; i < image.pixels.length; i += 1) {
    const grey = Math.round(windowLevel(image.pixels[i]!, voi) * 255);
    rgba[i * 4] = grey;
    rgba[i * 4 + 1] = grey;
    rgba[i * 4 + 2] = grey;
    rgba[i * 4 + 3] = 255;
  }
  return new ImageData(rgba, image.width, image.height);
}

/** The window the viewer shows first when there is none: the image's full range (src-shared/imaging/auto-window). */
export function fallbackWindow(image: FloatImage): DisplayWindow {
  return fullRangeWindow(image.pixels);
}

/** Nearest-neighbour enlargement: the original pixels, each shown as a scale × scale block. */
export function upsampleNearest(image: FloatImage, scale: number): FloatImage {
  const width = image.width * scale;
  const height = image.height * scale;
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y += 1) {
    const sourceRow = Math.floor(y / scale) * image.width;
    for (let x = 0; x < width; x += 1) pixels[y * width + x] = image.pixels[sourceRow + Math.floor(x / scale)]!;
  }
  return { width, height, pixels };
}
