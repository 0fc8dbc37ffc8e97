/**
 * Window/level presets. CT presets are the usual reading windows in HU; for other
 * modalities the presets come from the file (Window Center/Width, often several) and
 * from the image's histogram. Keys 1–9 pick presets in the order listed.
 */
import { percentileWindow } from '../../src-shared/imaging/auto-window';
import { voiRangeToWindow, windowProblem, windowToVoiRange, type VoiLutFunction } from '../../src-shared/imaging/voi';
export interface WindowPreset {
  readonly name: string;
  readonly center: number;
  readonly width: number;
}

export const ctPresets: readonly WindowPreset[] = [
  { name: 'Brain', center: 40, width: 80 },
  { name: 'Subdural', center: 75, width: 215 },
  { name: 'Stroke', center: 40, width: 40 },
  { name: 'Lung', center: -600, width: 1500 },
  { name: 'Mediastinum', center: 50, width: 350 },
  { name: 'Abdomen', center: 40, width: 400 },
  { name: 'Liver', center: 30, width: 150 },
  { name: 'Bone', center: 400, width: 1800 },
];

/** Cornerstone's VOI range for a window, per the file's VOI LUT Function (PS3.3 C.11.2.1.2; src-shared/imaging/voi). */
export function toVoiRange(preset: Pick<WindowPreset, 'center' | 'width'>, lutFunction: VoiLutFunction = 'LINEAR'): { lower: number; upper: number } {
  return windowToVoiRange({ center: preset.center, width: preset.width, lutFunction });
}

export function fromVoiRange(range: { lower: number; upper: number }, lutFunction: VoiLutFunction = 'LINEAR'): { center: number; width: number } {
  const { center, width } = voiRangeToWindow(range, lutFunction);
  return { center, width };
}

/** The window that shows the 1st to 99th percentile of the values (for MR and anything without a preset; src-shared/imaging/auto-window). */
export function histogramWindow(values: ArrayLike<number>): WindowPreset | undefined {
  const window = percentileWindow(values);
  return window ? { name: 'Auto (histogram)', center: window.center, width: window.width } : undefined;
}

/**
 * The file's own windows, from the VOI LUT module's centre and width arrays. A width the
 * file's VOI LUT Function does not allow (below 1 for LINEAR, PS3.3 C.11.2.1.2.1) is left out.
 */
export function filePresets(
  centers: number | number[] | undefined,
  widths: number | number[] | undefined,
  explanations?: string[],
  lutFunction: VoiLutFunction = 'LINEAR',
): WindowPreset[] {
  const c = centers === undefined ? [] : Array.isArray(centers) ? centers : [centers];
  const w = widths === undefined ? [] : Array.isArray(widths) ? widths : [widths];
  const presets: WindowPreset[] = [];
  for (let i = 0; i < Math.min(c.length, w.length); i++) {
    const center = c[i];
    const width = w[i];
    if (center === undefined || width === undefined || windowProblem({ center, width, lutFunction })) continue;
    presets.push({ name: explanations?.[i]?.trim() || `File window ${i + 1}`, center, width });
  }
  return presets;
}
