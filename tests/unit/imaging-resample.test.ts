import { describe, expect, it } from 'vitest';
import { interleavedToLuma, luma, lumaExact } from '../../src-shared/imaging/luma';
import { cubicKernel, resampleBytes, resampleFloat, resampleTaps } from '../../src-shared/imaging/resample';

// Expected values are worked by hand from the kernels' definitions; the comparisons against
// Pillow and PyTorch on real images are in bicubic.test.ts, vlm-image-sampling.test.ts and the parity tests.
describe('the shared resampler', () => {
  it('bilinear without antialiasing interpolates between the two nearest centres, clamping at the edges', () => {
    // 2 → 4: output centres sit at input 0.25, 0.75, 1.25, 1.75 → positions −0.25, 0.25, 0.75, 1.25 between samples 0 and 1.
    const out = resampleFloat({ width: 2, height: 1, channels: 1, data: [0, 10] }, 4, 1, { kernel: 'bilinear', antialias: false });
    expect([...out.data]).toEqual([0, 2.5, 7.5, 10]);
    // 4 → 2 without antialiasing reads only the two samples around each centre (PyTorch's default): (0+10)/2, (20+30)/2.
    const shrunk = resampleFloat({ width: 4, height: 1, channels: 1, data: [0, 10, 20, 30] }, 2, 1, { kernel: 'bilinear', antialias: false });
    expect([...shrunk.data]).toEqual([5, 25]);
  });

  it('box averages each block when shrinking by a whole factor, per channel', () => {
    const rgb = Uint8Array.from([10, 0, 100, 20, 0, 200, 30, 255, 0, 41, 255, 0]);
    const out = resampleBytes({ width: 4, height: 1, channels: 3, data: rgb }, 2, 1, { kernel: 'box' });
    // (10+20)/2 = 15, (0+0)/2 = 0, (100+200)/2 = 150; (30+41)/2 = 35.5 → 36 (Pillow rounds half up), 255, 0.
    expect([...out.data]).toEqual([15, 0, 150, 36, 255, 0]);
  });

  it('the Keys cubic kernel is 1 at 0, 0 at the other integers, and its taps sum to 1', () => {
    expect(cubicKernel(0)).toBe(1);
    expect(cubicKernel(1)).toBeCloseTo(0, 12);
    expect(cubicKernel(2)).toBeCloseTo(0, 12);
    expect(cubicKernel(0.5)).toBeCloseTo(0.5625, 12); // (1.5·0.125 − 2.5·0.25 + 1)
    expect(cubicKernel(1.5)).toBeCloseTo(-0.0625, 12); // −0.5·(3.375 − 11.25 + 12 − 4)
    const taps = resampleTaps(10, 3, { kernel: 'bicubic' });
    for (let o = 0; o < 3; o += 1) {
      let sum = 0;
      for (let k = 0; k < taps.count[o]!; k += 1) sum += taps.weights[o * taps.stride + k]!;
      expect(sum).toBeCloseTo(1, 12);
    }
  });

  it('keeps a flat image flat, in float and in bytes, enlarging and shrinking', () => {
    for (const kernel of ['box', 'bilinear', 'bicubic'] as const) {
      expect(resampleFloat({ width: 5, height: 3, channels: 1, data: new Float32Array(15).fill(7.25) }, 11, 2, { kernel }).data.every((v) => Math.abs(v - 7.25) < 1e-5)).toBe(true);
      expect(resampleBytes({ width: 5, height: 3, channels: 2, data: new Uint8Array(30).fill(77) }, 3, 8, { kernel }).data.every((v) => v === 77)).toBe(true);
    }
  });

  it('refuses sizes that do not match the data', () => {
    expect(() => resampleFloat({ width: 3, height: 3, channels: 1, data: new Float32Array(4) }, 6, 6, { kernel: 'bicubic' })).toThrow(/not 3×3×1/);
    expect(() => resampleBytes({ width: 1, height: 1, channels: 1, data: new Uint8Array(1) }, 0, 2, { kernel: 'box' })).toThrow(/at least 1×1/);
  });
});

describe('luma (ITU-R 601-2, as Pillow convert("L"))', () => {
  it('rounds 0.299 R + 0.587 G + 0.114 B to the nearest level', () => {
    for (const [r, g, b] of [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [12, 200, 99]] as const) {
      expect(luma(r, g, b)).toBe(Math.round(0.299 * r + 0.587 * g + 0.114 * b));
    }
    expect([...interleavedToLuma([255, 0, 0, 9, 0, 0, 255, 9], 4)]).toEqual([76, 29]);
  });
});

describe('exact luma', () => {
  it('is the unrounded weighted sum', () => {
    expect(lumaExact(100, 50, 10)).toBeCloseTo(29.9 + 29.35 + 1.14, 12);
  });
});
