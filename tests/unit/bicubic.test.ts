import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cropImage, cubicKernel, resizeBicubic, upsampleBicubic, type FloatImage } from '../../src-renderer/panels/imaging/bicubic';
import { sharedDataPath } from '../helpers/shared-data';

/**
 * The super-resolution panel's bicubic baseline. Expected values come from analytic cases
 * and from PIL (Image.resize with BICUBIC on a float image), run here through Python.
 */
const python = process.env.RADSTATION_PYTHON ?? '/usr/bin/python3';
const pilProbe = spawnSync(python, ['-c', 'import PIL, numpy, pydicom'], { encoding: 'utf8' });
const pilMissing = pilProbe.status === 0 ? undefined : `PIL, numpy or pydicom cannot be imported by ${python}: ${pilProbe.stderr || pilProbe.error?.message}`;

function image(width: number, height: number, value: (x: number, y: number) => number): FloatImage {
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) pixels[y * width + x] = value(x, y);
  return { width, height, pixels };
}

describe('bicubic upsampling', () => {
  it('has the Keys kernel values at known points', () => {
    // a = -0.5: k(0) = 1, k(±1) = k(±2) = 0, k(0.5) = 0.5625, k(1.5) = -0.0625 (+ 0 folds -0 into 0).
    expect([0, 1, -1, 2, 0.5, 1.5, -1.5, 3].map((x) => cubicKernel(x) + 0)).toEqual([1, 0, 0, 0, 0.5625, -0.0625, -0.0625, 0]);
  });

  it('keeps a constant image constant, at the image edges too', () => {
    const out = upsampleBicubic(image(7, 5, () => 42.5), 4);
    expect([out.width, out.height]).toEqual([28, 20]);
    for (const value of out.pixels) expect(value).toBeCloseTo(42.5, 4);
  });

  it('reproduces a linear ramp exactly away from the edges', () => {
    const out = upsampleBicubic(image(16, 12, (x, y) => 3 * x - 2 * y + 10), 2);
    // Output pixel (X, Y) has its centre at input coordinate (X + 0.5) / 2 - 0.5.
    for (let y = 4; y < out.height - 4; y += 1) {
      for (let x = 4; x < out.width - 4; x += 1) {
        const ix = (x + 0.5) / 2 - 0.5;
        const iy = (y + 0.5) / 2 - 0.5;
        expect(out.pixels[y * out.width + x]).toBeCloseTo(3 * ix - 2 * iy + 10, 3);
      }
    }
  });

  it('refuses a fractional scale and a pixel count that does not match', () => {
    expect(() => upsampleBicubic(image(2, 2, () => 0), 1.5)).toThrow(/whole number/);
    expect(() => resizeBicubic({ width: 3, height: 3, pixels: new Float32Array(4) }, 6, 6)).toThrow(/not 3×3/);
  });

  it('crops a clamped rectangle', () => {
    const source = image(6, 4, (x, y) => y * 10 + x);
    const crop = cropImage(source, { x0: 4, y0: -2, x1: 9, y1: 2 });
    expect([crop.width, crop.height, ...crop.pixels]).toEqual([2, 2, 4, 5, 14, 15]);
  });

  it.skipIf(pilMissing !== undefined)('agrees with PIL on a real MR slice (×2 and ×4)', () => {
    // A 40×32 patch of a real MPRAGE slice, read with pydicom, resized by PIL in float mode.
    const file = sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens');
    const script = `
import sys, json, os, numpy as np, pydicom
from PIL import Image
folder = sys.argv[1]
name = sorted(os.listdir(folder))[88]
patch = pydicom.dcmread(os.path.join(folder, name)).pixel_array.astype(np.float32)[100:132, 90:130]
out = {'patch': patch.ravel().tolist()}
for scale in (2, 4):
    big = Image.fromarray(patch, mode='F').resize((40 * scale, 32 * scale), Image.BICUBIC)
    out[str(scale)] = np.asarray(big, dtype=np.float64).ravel().tolist()
print(json.dumps(out))`;
    const done = spawnSync(python, ['-c', script, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (done.status !== 0) throw new Error(done.stderr);
    const expected = JSON.parse(done.stdout) as Record<string, number[]>;
    const patch: FloatImage = { width: 40, height: 32, pixels: Float32Array.from(expected.patch ?? []) };
    const range = Math.max(...patch.pixels) - Math.min(...patch.pixels);
    expect(range, 'the patch has structure, not a flat background').toBeGreaterThan(50);
    for (const scale of [2, 4]) {
      const ours = upsampleBicubic(patch, scale);
      const theirs = expected[String(scale)] ?? [];
      expect(theirs.length).toBe(ours.pixels.length);
      let worst = 0;
      for (let i = 0; i < theirs.length; i += 1) worst = Math.max(worst, Math.abs((ours.pixels[i] ?? NaN) - (theirs[i] ?? NaN)));
      expect(worst, `largest difference from PIL at ×${scale}`).toBeLessThan(range * 1e-4);
    }
  });
});
