import { describe, expect, it } from 'vitest';
import { fullRangeWindow, percentileWindow } from '../../src-shared/imaging/auto-window';
import { chooseVoi, displayGrey } from '../../src-shared/imaging/display';
import { applyRescale, usableRescale } from '../../src-shared/imaging/modality-lut';
import {
  lutLevel,
  parseVoiLutFunction,
  voiRangeToWindow,
  voiToGrey,
  windowLevel,
  windowProblem,
  windowToVoiRange,
  type VoiWindow,
} from '../../src-shared/imaging/voi';

// Expected values are worked by hand from the formulas of DICOM PS3.3 C.11.2.1.2 (LINEAR),
// C.11.2.1.3.2 (LINEAR_EXACT), C.11.2.1.3.1 (SIGMOID) and C.11.2.1.1 (VOI LUT), with ymin = 0, ymax = 1.
const linear = (center: number, width: number): VoiWindow => ({ center, width, lutFunction: 'LINEAR' });

describe('VOI windows (PS3.3 C.11.2.1.2)', () => {
  it('LINEAR: bounds at c − 0.5 ± (w − 1)/2, and ((x − (c − 0.5))/(w − 1) + 0.5) between', () => {
    const w = linear(40, 80); // bounds 0 and 79
    expect(windowLevel(0, w)).toBe(0); // x ≤ 0 → ymin
    expect(windowLevel(79, w)).toBeCloseTo(1, 12); // (79 − 39.5)/79 + 0.5 = 1
    expect(windowLevel(79.01, w)).toBe(1); // x > 79 → ymax
    expect(windowLevel(40, w)).toBeCloseTo(0.5 / 79 + 0.5, 12);
    expect(windowLevel(20, w)).toBeCloseTo(-19.5 / 79 + 0.5, 12);
  });

  it('LINEAR with width 1 is a threshold at c − 0.5; a width below 1 is refused, as the standard allows none', () => {
    const w = linear(100, 1);
    expect(windowLevel(99.5, w)).toBe(0);
    expect(windowLevel(99.6, w)).toBe(1);
    expect(windowProblem(linear(100, 0.5))).toMatch(/at least 1/);
    expect(() => voiToGrey([1, 2], { kind: 'window', window: linear(100, 0.5) })).toThrow(/width must be at least 1/);
    // LINEAR_EXACT and SIGMOID allow any width above 0 (C.11.2.1.3).
    expect(windowProblem({ center: 0, width: 0.5, lutFunction: 'LINEAR_EXACT' })).toBeUndefined();
    expect(windowProblem({ center: 0, width: 0, lutFunction: 'SIGMOID' })).toMatch(/above 0/);
  });

  it('LINEAR_EXACT: bounds at c ± w/2, and (x − c)/w + 0.5 between', () => {
    const w: VoiWindow = { center: 40, width: 80, lutFunction: 'LINEAR_EXACT' };
    expect(windowLevel(0, w)).toBe(0);
    expect(windowLevel(20, w)).toBeCloseTo(0.25, 12);
    expect(windowLevel(40, w)).toBeCloseTo(0.5, 12);
    expect(windowLevel(80, w)).toBeCloseTo(1, 12);
    expect(windowLevel(80.001, w)).toBe(1);
  });

  it('SIGMOID: 1 / (1 + exp(−4 (x − c)/w))', () => {
    const w: VoiWindow = { center: 100, width: 200, lutFunction: 'SIGMOID' };
    expect(windowLevel(100, w)).toBeCloseTo(0.5, 12);
    expect(windowLevel(150, w)).toBeCloseTo(1 / (1 + Math.exp(-1)), 12); // 0.7310585786…
    expect(windowLevel(50, w)).toBeCloseTo(1 - 1 / (1 + Math.exp(-1)), 12);
  });

  it('reads VOI LUT Function as the file writes it; absent or unknown is LINEAR', () => {
    expect(parseVoiLutFunction('SIGMOID ')).toBe('SIGMOID');
    expect(parseVoiLutFunction('linear_exact')).toBe('LINEAR_EXACT');
    expect(parseVoiLutFunction(undefined)).toBe('LINEAR');
    expect(parseVoiLutFunction('SAMPLED')).toBe('LINEAR');
  });

  it('turns levels into 8-bit grey, rounding to nearest, and inverts MONOCHROME1', () => {
    const voi = { kind: 'window' as const, window: linear(40, 80) };
    // 0 → 0; 40 → 129.1 → 129; 59.25 → ((19.75/79) + 0.5) × 255 = 191.25 → 191; 100 → 255.
    expect([...voiToGrey([0, 40, 59.25, 100], voi)]).toEqual([0, 129, 191, 255]);
    expect([...voiToGrey([0, 40, 59.25, 100], voi, true)]).toEqual([255, 126, 64, 0]);
    expect([...displayGrey([0, 40], 'MONOCHROME1', linear(40, 80)).grey]).toEqual([255, 126]);
  });

  it('matches Cornerstone3D’s VOI range convention both ways', () => {
    expect(windowToVoiRange(linear(40, 80))).toEqual({ lower: 0, upper: 79 });
    expect(windowToVoiRange({ center: 40, width: 80, lutFunction: 'LINEAR_EXACT' })).toEqual({ lower: 0, upper: 80 });
    expect(voiRangeToWindow({ lower: 0, upper: 79 })).toEqual(linear(40, 80));
    expect(voiRangeToWindow({ lower: 0, upper: 80 }, 'LINEAR_EXACT')).toEqual({ center: 40, width: 80, lutFunction: 'LINEAR_EXACT' });
  });
});

describe('VOI LUT Sequence (PS3.3 C.11.2.1.1)', () => {
  const lut = { firstValueMapped: 10, bitsPerEntry: 8, data: [0, 100, 255] };

  it('maps value − first through the table; values outside it take the first or last entry', () => {
    expect(lutLevel(5, lut)).toBe(0);
    expect(lutLevel(10, lut)).toBe(0);
    expect(lutLevel(11, lut)).toBeCloseTo(100 / 255, 12);
    expect(lutLevel(12, lut)).toBe(1);
    expect(lutLevel(1000, lut)).toBe(1);
    expect([...voiToGrey([5, 11, 12], { kind: 'lut', lut })]).toEqual([0, 100, 255]);
  });

  it('scales entries by their bit depth: a 16-bit table of 0…65535 spans black to white', () => {
    const wide = { firstValueMapped: -2, bitsPerEntry: 16, data: [0, 32768, 65535] };
    expect([...voiToGrey([-2, -1, 0], { kind: 'lut', lut: wide })]).toEqual([0, 128, 255]);
  });
});

describe('the modality LUT and the one auto-window rule', () => {
  it('rescales stored values; a missing or zero slope is the identity', () => {
    expect([...applyRescale([0, 1000, 2000], usableRescale(1, -1024))]).toEqual([-1024, -24, 976]);
    expect([...applyRescale([3], usableRescale(0, 5))]).toEqual([8]);
    expect(usableRescale(undefined, undefined)).toEqual({ slope: 1, intercept: 0 });
  });

  it('the full range maps the smallest value to black and the largest to white, as the viewer first shows it', () => {
    const values = [-1000, 0, 3000];
    const window = fullRangeWindow(values);
    expect(window).toEqual(linear(1000.5, 4001)); // Cornerstone's range −1000…3000 read back as a LINEAR window
    expect([...voiToGrey(values, { kind: 'window', window })]).toEqual([0, Math.round((1000 / 4000) * 255), 255]);
    expect(chooseVoi(values, undefined, undefined)).toEqual({ kind: 'window', window });
    // NaN and infinities (float images) do not widen the window.
    expect(fullRangeWindow([Number.NaN, 2, 4, Infinity])).toEqual(linear(3.5, 3));
  });

  it('the window asked for wins over the file’s, and the file’s over the full range', () => {
    const fromFile = { kind: 'lut' as const, lut: { firstValueMapped: 0, bitsPerEntry: 8, data: [0, 255] } };
    expect(chooseVoi([1, 2], linear(5, 10), fromFile)).toEqual({ kind: 'window', window: linear(5, 10) });
    expect(chooseVoi([1, 2], undefined, fromFile)).toBe(fromFile);
  });

  it('the percentile preset spans the 1st to 99th percentile', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i % 1000);
    const window = percentileWindow(values)!;
    const { lower, upper } = windowToVoiRange(window);
    expect(lower).toBeGreaterThan(5);
    expect(lower).toBeLessThan(15);
    expect(upper).toBeGreaterThan(985);
    expect(upper).toBeLessThan(995);
    expect(percentileWindow([7, 7, 7])).toBeUndefined();
  });
});
