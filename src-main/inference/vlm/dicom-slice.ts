import { readSlice } from '../pixels/dicom-pixels';
import { affine } from '../pixels/image-ops';
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
  const values = affine(slice.stored, slice.rescaleSlope || 1, slice.rescaleIntercept);
  const chosen = window ?? slice.window ?? fullRange(values);
  const grey = windowToGrey(values, chosen.center, chosen.width);
  if (slice.photometricInterpretation === 'MONOCHROME1') for (let i = 0; i < grey.length; i++) grey[i] = 255 - (grey[i] ?? 0);
  return { image: { width: slice.columns, height: slice.rows, channels: 1, data: grey }, window: chosen };
}

/** A window over the whole range of the values, for a file that states none. */
function fullRange(values: Float32Array): Window {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { center: (min + max) / 2, width: Math.max(max - min, 1) };
}
