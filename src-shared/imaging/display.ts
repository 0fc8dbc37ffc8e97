/**
 * A grey slice as a reader first sees it, from modality values: the window asked for, else the
 * file's VOI (window or VOI LUT), else the full range (auto-window.ts); MONOCHROME1 inverted.
 * One function for thumbnails, the models' inputs and the panels, so they all agree.
 */
import { fullRangeWindow } from './auto-window';
import { voiToGrey, type Voi, type VoiWindow } from './voi';

export function chooseVoi(values: ArrayLike<number>, requested: VoiWindow | undefined, fromFile: Voi | undefined): Voi {
  if (requested) return { kind: 'window', window: requested };
  return fromFile ?? { kind: 'window', window: fullRangeWindow(values) };
}

export function isMonochrome1(photometricInterpretation: string | undefined): boolean {
  return photometricInterpretation?.trim().toUpperCase() === 'MONOCHROME1';
}

export interface DisplayedGrey {
  grey: Uint8Array;
  voi: Voi;
}

export function displayGrey(values: ArrayLike<number>, photometricInterpretation: string | undefined, requested?: VoiWindow, fromFile?: Voi): DisplayedGrey {
  const voi = chooseVoi(values, requested, fromFile);
  return { grey: voiToGrey(values, voi, isMonochrome1(photometricInterpretation)), voi };
}
