import { readSlice } from '../pixels/dicom-pixels';
import { windowToGrey, type PixelImage } from './image-preprocess';

/**
 * One DICOM frame as the viewer would show it, in grey: modality LUT (rescale slope and
 * intercept), then the VOI window, MONOCHROME1 inverted. For the `radstation ask` command and
 * `vlm.ask`. Pixels come from the same reader as the other models' (every transfer syntax the
 * main process decodes; colour reduced to luminance), so HealthGPT is never shown a different image.
 */

export interface Window {
  center: number;
  width: number;
}

export async function readDicomSlice(file: string, window?: Window, frame = 0): Promise<{ image: PixelImage; window: Window }> {
  const slice = await readSlice(file, frame);
  const slope = slice.rescaleSlope || 1;
  const values = new Float32Array(slice.stored.length);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = slice.stored[i]! * slope + slice.rescaleIntercept;
    values[i] = v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const chosen = window ?? slice.window ?? { center: (min + max) / 2, width: Math.max(max - min, 1) };
  const grey = windowToGrey(values, chosen.center, chosen.width);
  if (slice.photometricInterpretation === 'MONOCHROME1') for (let i = 0; i < grey.length; i++) grey[i] = 255 - (grey[i] ?? 0);
  return { image: { width: slice.columns, height: slice.rows, channels: 1, data: grey }, window: chosen };
}
