/**
 * Window/level presets. CT presets are the usual reading windows in HU; for other
 * modalities the presets come from the file (Window Center/Width, often several) and
 * from the image's histogram. Keys 1–9 pick presets in the order listed.
 */
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

/** Cornerstone's VOI range for a window, per the DICOM linear function (PS3.3 C.11.2.1.2). */
export function toVoiRange(preset: Pick<WindowPreset, 'center' | 'width'>): { lower: number; upper: number } {
  return { lower: preset.center - 0.5 - (preset.width - 1) / 2, upper: preset.center - 0.5 + (preset.width - 1) / 2 };
}

export function fromVoiRange(range: { lower: number; upper: number }): { center: number; width: number } {
  const width = range.upper - range.lower + 1;
  return { center: (range.upper + range.lower) / 2 + 0.5, width };
}

/** The window that shows the 1st to 99th percentile of the values (for MR and anything without a preset). */
export function histogramWindow(values: ArrayLike<number>): WindowPreset | undefined {
  if (values.length === 0) return undefined;
  let min = Infinity;
  let max = -Infinity;
  const step = Math.max(1, Math.floor(values.length / 200_000));
  for (let i = 0; i < values.length; i += step) {
    const v = values[i] ?? 0;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || max <= min) return undefined;
  const bins = 1024;
  const counts = new Uint32Array(bins);
  let total = 0;
  for (let i = 0; i < values.length; i += step) {
    const bin = Math.min(bins - 1, Math.floor((((values[i] ?? 0) - min) / (max - min)) * bins));
    counts[bin] = (counts[bin] ?? 0) + 1;
    total++;
  }
  const at = (fraction: number): number => {
    let seen = 0;
    for (let bin = 0; bin < bins; bin++) {
      seen += counts[bin] ?? 0;
      if (seen >= fraction * total) return min + ((bin + 0.5) / bins) * (max - min);
    }
    return max;
  };
  const low = at(0.01);
  const high = at(0.99);
  if (high <= low) return { name: 'Auto', center: (min + max) / 2, width: max - min };
  return { name: 'Auto (histogram)', center: (low + high) / 2, width: high - low };
}

/** The file's own windows, from the VOI LUT module's centre and width arrays. */
export function filePresets(centers: number | number[] | undefined, widths: number | number[] | undefined, explanations?: string[]): WindowPreset[] {
  const c = centers === undefined ? [] : Array.isArray(centers) ? centers : [centers];
  const w = widths === undefined ? [] : Array.isArray(widths) ? widths : [widths];
  const presets: WindowPreset[] = [];
  for (let i = 0; i < Math.min(c.length, w.length); i++) {
    const center = c[i];
    const width = w[i];
    if (center === undefined || width === undefined || !(width > 0)) continue;
    presets.push({ name: explanations?.[i]?.trim() || `File window ${i + 1}`, center, width });
  }
  return presets;
}
