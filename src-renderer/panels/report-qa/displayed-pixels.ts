/**
 * The image as the reader sees it, built from decoded pixels and the viewport's window: 8-bit
 * grey levels, the same linear window the main process uses for closed-question models
 * (src-main/inference/vqa/displayed-image.ts), MONOCHROME1 inverted, colour reduced to luma.
 */

export interface DisplaySource {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometricInterpretation: string;
  /** Values in modality units (the modality LUT already applied). */
  values: ArrayLike<number>;
}

export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** The full range of the values, as a window, for images the viewer shows without one. */
export function fullRangeWindow(values: ArrayLike<number>): { center: number; width: number } {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i]!;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  if (!Number.isFinite(low)) return { center: 0, width: 1 };
  return { center: (low + high) / 2, width: Math.max(high - low, 1) };
}

export function displayedGrey(source: DisplaySource, window: { center: number; width: number }, roi?: PixelRect): GreyImage {
  const box = roi ?? { x: 0, y: 0, width: source.columns, height: source.rows };
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(source.columns, Math.ceil(box.x + box.width));
  const y1 = Math.min(source.rows, Math.ceil(box.y + box.height));
  if (x1 <= x0 || y1 <= y0) throw new Error('The region of interest lies outside the image.');
  const width = x1 - x0;
  const height = y1 - y0;
  const pixels = new Uint8Array(width * height);
  const invert = source.photometricInterpretation.trim() === 'MONOCHROME1';
  const colour = source.samplesPerPixel >= 3;
  const low = window.center - window.width / 2;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const index = (y + y0) * source.columns + (x + x0);
      let grey: number;
      if (colour) {
        // Colour images are shown as they are; the window does not apply.
        const base = index * source.samplesPerPixel;
        grey = (source.values[base]! * 19595 + source.values[base + 1]! * 38470 + source.values[base + 2]! * 7471 + 0x8000) >> 16;
      } else {
        grey = Math.min(255, Math.max(0, Math.round(((source.values[index]! - low) / window.width) * 255)));
        if (invert) grey = 255 - grey;
      }
      pixels[y * width + x] = grey;
    }
  }
  return { width, height, pixels };
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}
