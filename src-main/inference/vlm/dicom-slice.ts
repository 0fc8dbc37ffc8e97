import { displayGrey } from '../../../src-shared/imaging/display';
import { applyRescale } from '../../../src-shared/imaging/modality-lut';
import type { Voi } from '../../../src-shared/imaging/voi';
import { readSlice } from '../pixels/dicom-pixels';
import type { PixelImage } from './image-preprocess';

/**
 * One DICOM frame as the viewer would show it, in grey: modality LUT (rescale slope and
 * intercept), then the VOI (the window given, else the file's window or VOI LUT, else the full
 * range), MONOCHROME1 inverted (src-shared/imaging). For the `radstation ask` command and
 * `vlm.ask`. Pixels come from the same reader as the other models' (every transfer syntax the
 * main process decodes; colour reduced to luma), so HealthGPT is never shown a different image.
 */

export interface Window {
  center: number;
  width: number;
}

export async function readDicomSlice(file: string, window?: Window, frame = 0): Promise<{ image: PixelImage; window: Window | undefined; voi: Voi }> {
  const slice = await readSlice(file, frame);
  const values = applyRescale(slice.stored, { slope: slice.rescaleSlope, intercept: slice.rescaleIntercept });
  const requested = window ? { ...window, lutFunction: 'LINEAR' as const } : undefined;
  const { grey, voi } = displayGrey(values, slice.photometricInterpretation, requested, slice.voi ?? undefined);
  const shown = voi.kind === 'window' ? { center: voi.window.center, width: voi.window.width } : undefined;
  return { image: { width: slice.columns, height: slice.rows, channels: 1, data: grey }, window: shown, voi };
}
