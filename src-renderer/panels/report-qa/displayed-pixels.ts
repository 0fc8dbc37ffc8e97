/**
 * The image as the reader sees it, built from decoded pixels and the viewport's window: 8-bit
 * grey levels through the viewport's VOI function, the one the main process uses for
 * closed-question models (src-shared/imaging), MONOCHROME1 inverted, colour reduced to luma.
 */
import { fullRangeWindow as sharedFullRangeWindow } from '../../../src-shared/imaging/auto-window';
import { isMonochrome1 } from '../../../src-shared/imaging/display';
import { interleavedToLuma } from '../../../src-shared/imaging/luma';
import { voiToGrey, type VoiLutFunction } from '../../../src-shared/imaging/voi';

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

export interface DisplayWindow {
  center: number;
  width: number;
  /** The viewport's VOI LUT Function; LINEAR when left out. */
  lutFunction?: VoiLutFunction;
}

export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** The full range of the values, as a window, for images the viewer shows without one (src-shared/imaging/auto-window). */
export function fullRangeWindow(values: ArrayLike<number>): DisplayWindow {
  const { center, width } = sharedFullRangeWindow(values);
  return { center, width };
}

export function displayedGrey(source: DisplaySource, window: DisplayWindow, roi?: PixelRect): GreyImage {
  const box = roi ?? { x: 0, y: 0, width: source.columns, height: source.rows };
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(source.columns, Math.ceil(box.x + box.width));
  const y1 = Math.min(source.rows, Math.ceil(box.y + box.height));
  if (x1 <= x0 || y1 <= y0) throw new Error('The region of interest lies outside the image.');
  const width = x1 - x0;
  const height = y1 - y0;
  const colour = source.samplesPerPixel >= 3;
  const values = new Float64Array(width * height * (colour ? source.samplesPerPixel : 1));
  const stride = colour ? source.samplesPerPixel : 1;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const from = ((y + y0) * source.columns + (x + x0)) * stride;
      for (let c = 0; c < stride; c += 1) values[(y * width + x) * stride + c] = source.values[from + c]!;
    }
  }
  // Colour images are shown as they are (the window does not apply), reduced to luma.
  if (colour) return { width, height, pixels: interleavedToLuma(values, source.samplesPerPixel >= 4 ? 4 : 3) };
  const voi = { kind: 'window' as const, window: { center: window.center, width: window.width, lutFunction: window.lutFunction ?? 'LINEAR' } };
  return { width, height, pixels: voiToGrey(values, voi, isMonochrome1(source.photometricInterpretation)) };
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}
