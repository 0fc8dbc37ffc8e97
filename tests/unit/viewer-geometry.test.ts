import { describe, expect, it } from 'vitest';
import { ctPresets, fromVoiRange, histogramWindow, toVoiRange } from '../../src-renderer/viewer/presets';
import { defaultHanging } from '../../src-renderer/viewer/hanging';
import { checkVolume } from '../../src-renderer/viewer/volume-check';
import type { StackInstance, ViewerSeries } from '../../src-shared/contract';

const axial = [1, 0, 0, 0, 1, 0];

function slice(uid: string, z: number, options: Partial<StackInstance> = {}): StackInstance {
  return {
    sopInstanceUid: uid,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    instanceNumber: Number(uid),
    numberOfFrames: 1,
    rows: 4,
    columns: 4,
    imagePositionPatient: [0, 0, z],
    imageOrientationPatient: axial,
    pixelSpacing: [1, 1],
    sliceThickness: 1,
    ...options,
  };
}

describe('volume check for MPR', () => {
  it('accepts evenly spaced parallel slices', () => {
    expect(checkVolume([0, 1, 2, 3].map((z) => slice(String(z + 1), z * 2)))).toEqual({ ok: true, spacing: 2 });
  });

  it('refuses slices sheared by a gantry tilt, naming the angle', () => {
    const tilt = (18.5 * Math.PI) / 180;
    const slices = [0, 1, 2, 3].map((k) => slice(String(k + 1), k * 5 * Math.cos(tilt), { imagePositionPatient: [0, k * 5 * Math.sin(tilt), k * 5 * Math.cos(tilt)] }));
    const result = checkVolume(slices);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/tilt of 18\.5°/);
  });

  it('refuses uneven spacing', () => {
    expect(checkVolume([0, 1, 2, 5].map((z) => slice(String(z + 1), z))).ok).toBe(false);
  });
});

describe('window presets', () => {
  it('round-trips centre and width through the VOI range', () => {
    for (const preset of ctPresets) expect(fromVoiRange(toVoiRange(preset))).toEqual({ center: preset.center, width: preset.width });
  });

  it('finds the 1st to 99th percentile window', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i % 1000);
    const window = histogramWindow(values);
    expect(window?.center).toBeCloseTo(500, -1);
    expect(window?.width).toBeGreaterThan(950);
    expect(window?.width).toBeLessThan(1000);
  });
});

describe('default hanging', () => {
  const series = (uid: string, count: number, time: string): ViewerSeries => ({
    seriesInstanceUid: uid,
    modality: 'MR',
    seriesNumber: Number(uid),
    seriesDescription: '',
    seriesDate: '20240101',
    seriesTime: time,
    instances: Array.from({ length: count }, (_, i) => slice(`${uid}${i}`, i)),
  });

  it('hangs the latest series first, the larger first among equally recent ones, in as many panes as needed', () => {
    expect(defaultHanging([series('1', 10, '100000'), series('2', 20, '100000'), series('3', 5, '120000')])).toEqual({ layout: '2x2', assignments: ['3', '2', '1', undefined] });
    expect(defaultHanging([series('1', 10, '100000')]).layout).toBe('1x1');
  });

  it('hangs a newer segmentation after the image series it is drawn over', () => {
    const seg = { ...series('9', 1, '235900'), modality: 'SEG', instances: [slice('91', 0, { sopClassUid: '1.2.840.10008.5.1.4.1.1.66.4' })] };
    expect(defaultHanging([seg, series('1', 10, '100000')]).assignments).toEqual(['1', '9']);
  });
});
