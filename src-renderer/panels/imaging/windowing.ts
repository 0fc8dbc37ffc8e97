import type { FloatImage } from './bicubic';

export interface DisplayWindow {
  center: number;
  width: number;
}

/**
 * Grey levels of an image under a window, as RGBA for a canvas. Linear, like the viewer's
 * default VOI, so a preview looks the way the slice does in the viewport.
 */
export function windowToRgba(image: FloatImage, window: DisplayWindow): ImageData {
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  const width = Math.max(1e-6, window.width);
  const low = window.center - width / 2;
  for (let i = 0; i < image.pixels.length; i += 1) {
    const grey = ((image.pixels[i]! - low) / width) * 255;
    rgba[i * 4] = grey;
    rgba[i * 4 + 1] = grey;
    rgba[i * 4 + 2] = grey;
    rgba[i * 4 + 3] = 255;
  }
  return new ImageData(rgba, image.width, image.height);
}

/** A window that shows the whole range (1st–99th percentile), when the viewport has none. */
export function fallbackWindow(image: FloatImage): DisplayWindow {
  const sorted = Float32Array.from(image.pixels).sort();
  const low = sorted[Math.floor(sorted.length * 0.01)] ?? 0;
  const high = sorted[Math.floor(sorted.length * 0.99)] ?? 1;
  return { center: (low + high) / 2, width: Math.max(1, high - low) };
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
