import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decimalString, scaledImagePosition } from '../../src-main/inference/derived/derived-dicom';
import { regionProblem, withContext } from '../../src-main/inference/pixels/region';
import { cropWithEdgePadding, resizeBilinear, runTiled, tileStarts, type Plane } from '../../src-main/inference/pixels/image-ops';
import { fitNormalization, percentile } from '../../src-main/inference/pixels/normalization';
import { removeAbandonedStaging } from '../../src-main/inference/jobs/job-queue';
import { cudaProviderInstalled, providerOrder } from '../../src-main/inference/providers';
import { makeTempDir } from '../helpers/temp-dir';
import { orderInstances } from '../../src-main/inference/series-source';

describe('normalisation', () => {
  it('matches numpy percentiles (linear interpolation) on a small array', () => {
    // numpy.percentile([1, 2, 3, 4, 5], [0, 10, 25, 50, 99]) -> [1, 1.4, 2, 3, 4.96]
    const sorted = Float32Array.from([1, 2, 3, 4, 5]);
    expect([0, 10, 25, 50, 99].map((p) => percentile(sorted, p))).toEqual([1, expect.closeTo(1.4, 6), 2, 3, expect.closeTo(4.96, 5)]);
  });

  it('windows HU to [0, 1] with clipping, and inverts inside the window', () => {
    const window = fitNormalization({ kind: 'hu-window', center: 40, width: 400 }, new Float32Array());
    expect([-1000, -160, 40, 240, 3000].map(window.forward)).toEqual([0, 0, 0.5, 1, 1]);
    expect(window.inverse(0.25)).toBe(-60);
  });

  it('clips to per-image percentiles and inverts with the same ones', () => {
    const values = Float32Array.from({ length: 101 }, (_, i) => i * 10); // 0..1000
    const fitted = fitNormalization({ kind: 'percentile', lowPercentile: 10, highPercentile: 90 }, values);
    expect(fitted.forward(100)).toBe(0);
    expect(fitted.forward(900)).toBe(1);
    expect(fitted.forward(5000)).toBe(1);
    expect(fitted.forward(500)).toBeCloseTo(0.5, 6);
    expect(fitted.inverse(fitted.forward(345))).toBeCloseTo(345, 4);
  });

  it('fixed scale inverts exactly and refuses scale 0', () => {
    const fitted = fitNormalization({ kind: 'fixed-scale', scale: 1 / 255, offset: -0.5 }, new Float32Array());
    expect(fitted.inverse(fitted.forward(200))).toBeCloseTo(200, 9);
    expect(() => fitNormalization({ kind: 'fixed-scale', scale: 0, offset: 0 }, new Float32Array())).toThrow(/scale 0/);
  });
});

describe('tiling', () => {
  it('covers the length with overlapping tiles, the last ending at the edge', () => {
    expect(tileStarts(512, 96, 16)).toEqual([0, 80, 160, 240, 320, 400, 416]);
    expect(tileStarts(64, 96, 16)).toEqual([0]);
    expect(tileStarts(96, 96, 16)).toEqual([0]);
  });

  it('blends tiles of a pointwise model back into the whole-image result', async () => {
    // A pointwise model (y = 3x + 1, ×2 nearest upsampling) gives the same values whatever the tiling.
    const rows = 37;
    const columns = 53;
    const image: Plane = { rows, columns, data: Float32Array.from({ length: rows * columns }, (_, i) => Math.sin(i) * 100) };
    const model = async (plane: Plane): Promise<Plane> => {
      const out = new Float32Array(plane.rows * 2 * plane.columns * 2);
      for (let y = 0; y < plane.rows * 2; y += 1) for (let x = 0; x < plane.columns * 2; x += 1) out[y * plane.columns * 2 + x] = 3 * plane.data[(y >> 1) * plane.columns + (x >> 1)]! + 1;
      return { rows: plane.rows * 2, columns: plane.columns * 2, data: out };
    };
    let tiles = 0;
    const tiled = await runTiled(image, 16, 6, 2, model, () => (tiles += 1));
    expect(tiles).toBe(tileStarts(rows, 16, 6).length * tileStarts(columns, 16, 6).length);
    expect(tiled.rows).toBe(74);
    expect(tiled.columns).toBe(106);
    for (let y = 0; y < 74; y += 1) {
      for (let x = 0; x < 106; x += 1) expect(tiled.data[y * 106 + x]).toBeCloseTo(3 * image.data[(y >> 1) * columns + (x >> 1)]! + 1, 3);
    }
  });

  it('blends overlapping tiles with linear ramps, feeding the model only tile-sized inputs', async () => {
    // A model whose output depends on the tile (tile k gives k everywhere) shows the blend itself:
    // a pointwise model gives the same values however the tiles are weighted.
    const image: Plane = { rows: 1, columns: 20, data: new Float32Array(20) };
    const inputSizes: string[] = [];
    let call = 0;
    const model = async (plane: Plane): Promise<Plane> => {
      inputSizes.push(`${plane.rows}x${plane.columns}`);
      return { rows: plane.rows, columns: plane.columns, data: new Float32Array(plane.rows * plane.columns).fill(call++) };
    };
    const blended = await runTiled(image, 8, 4, 1, model, () => {});
    // Tiles start at columns 0, 4, 8 and 12; across each 4-pixel overlap the weights are
    // 0.875/0.125, 0.625/0.375, 0.375/0.625 and 0.125/0.875 (pixel centres on a ramp of 4).
    expect(inputSizes).toEqual(['8x8', '8x8', '8x8', '8x8']);
    expect(Array.from(blended.data)).toEqual([0, 0, 0, 0, 0.125, 0.375, 0.625, 0.875, 1.125, 1.375, 1.625, 1.875, 2.125, 2.375, 2.625, 2.875, 3, 3, 3, 3]);
  });

  it('pads with edge pixels and resizes bilinearly with centres aligned', () => {
    const plane: Plane = { rows: 2, columns: 2, data: Float32Array.from([0, 10, 20, 30]) };
    expect(Array.from(cropWithEdgePadding(plane, 0, 0, 3, 3).data)).toEqual([0, 10, 10, 20, 30, 30, 20, 30, 30]);
    // torch.nn.functional.interpolate(x, size=4, mode='bilinear', align_corners=False) on [[0, 10], [20, 30]], first row:
    expect(Array.from(resizeBilinear(plane, 4, 4).data.slice(0, 4))).toEqual([0, 2.5, 7.5, 10]);
  });
});

describe('geometry, providers and slice order', () => {
  it('moves the first pixel centre a quarter pixel towards the corner for ×2', () => {
    const position = scaledImagePosition({ rows: 2, columns: 2, pixelSpacing: [2, 4], imagePositionPatient: [10, 20, 30], imageOrientationPatient: [1, 0, 0, 0, 1, 0] }, 2);
    // Along a row (x) the column spacing 4 applies: 10 - 0.25·4; down a column (y) the row spacing 2: 20 - 0.25·2.
    expect(position).toEqual([9, 19.5, 30]);
  });

  it("moves the first pixel centre to a region's corner plus half a new pixel, along oblique axes", () => {
    // Row cosine (0, 0.6, 0.8), column cosine (0, 0.8, -0.6); row spacing 2, column spacing 3; region from column 10, row 4 at ×4.
    // Along the row: (10 - 0.5 + 0.125)·3 = 28.875; down the column: (4 - 0.5 + 0.125)·2 = 7.25.
    const position = scaledImagePosition({ rows: 8, columns: 8, pixelSpacing: [2, 3], imagePositionPatient: [1, 2, 3], imageOrientationPatient: [0, 0.6, 0.8, 0, 0.8, -0.6] }, 4, { column: 10, row: 4 });
    const expected = [1, 2 + 28.875 * 0.6 + 7.25 * 0.8, 3 + 28.875 * 0.8 - 7.25 * 0.6];
    expected.forEach((value, axis) => expect(position?.[axis]).toBeCloseTo(value, 10));
  });

  it('refuses a region that runs outside the image and clips the context to it', () => {
    expect(regionProblem({ x: 0, y: 0, width: 512, height: 512 }, 512, 512)).toBeUndefined();
    expect(regionProblem({ x: 1, y: 0, width: 512, height: 10 }, 512, 512)).toBe('the region x 1, y 0, 512×10 runs outside the 512×512 image');
    expect(regionProblem({ x: 0, y: 500, width: 5, height: 13 }, 512, 256)).toMatch(/outside the 256×512 image/);
    expect(withContext({ x: 5, y: 100, width: 10, height: 10 }, 120, 200, 16)).toEqual({ x: 0, y: 84, width: 31, height: 36 });
  });

  it('writes decimal strings of at most 16 characters', () => {
    expect(decimalString(-123.6562190585561)).toBe('-123.65621905856');
    expect(decimalString(0.244140625)).toBe('0.244140625');
    expect(decimalString(1e-20).length).toBeLessThanOrEqual(16);
  });

  it('orders providers by platform, and forcing one keeps CPU as the last resort', () => {
    expect(providerOrder('auto', 'linux', false)).toEqual(['webgpu', 'cpu']);
    expect(providerOrder('auto', 'linux', true)).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(providerOrder('auto', 'win32', false)).toEqual(['dml', 'webgpu', 'cpu']);
    expect(providerOrder('auto', 'darwin', false)).toEqual(['coreml', 'webgpu', 'cpu']);
    expect(providerOrder('webgpu', 'linux', false)).toEqual(['webgpu', 'cpu']);
    expect(providerOrder('cpu', 'linux', true)).toEqual(['cpu']);
  });

  it("counts CUDA as installed only when its provider library sits beside onnxruntime-node's binding", () => {
    // A stand-in package folder: the real CUDA download (hundreds of MB, from the network) cannot be made here.
    const temp = makeTempDir('radstation-cuda-');
    try {
      const binDir = path.join(temp.dir, 'bin', 'napi-v6', 'linux', 'x64');
      fs.mkdirSync(binDir, { recursive: true });
      fs.writeFileSync(path.join(binDir, 'onnxruntime_binding.node'), '');
      expect(cudaProviderInstalled('linux', 'x64', temp.dir)).toBe(false);
      fs.writeFileSync(path.join(binDir, 'libonnxruntime_providers_cuda.so'), '');
      expect(cudaProviderInstalled('linux', 'x64', temp.dir)).toBe(true);
      expect(cudaProviderInstalled('linux', 'arm64', temp.dir)).toBe(false);
      expect(cudaProviderInstalled('linux', 'x64', undefined)).toBe(false);
    } finally {
      temp.cleanup();
    }
  });

  it('orders slices along the normal, not by instance number, when geometry is known', () => {
    const row = (uid: string, instance: number, z: number | null) => ({
      sop_instance_uid: uid,
      file_path: `${uid}.dcm`,
      instance_number: instance,
      number_of_frames: 1,
      image_orientation_patient: '1\\0\\0\\0\\1\\0',
      image_position_patient: z === null ? null : `0\\0\\${z}`,
    });
    expect(orderInstances([row('a', 1, 30), row('b', 2, 10), row('c', 3, 20)]).map((r) => r.sop_instance_uid)).toEqual(['b', 'c', 'a']);
    expect(orderInstances([row('a', 3, 30), row('b', 1, null), row('c', 2, 20)]).map((r) => r.sop_instance_uid)).toEqual(['b', 'c', 'a']);
  });
});

describe('abandoned staging folders', () => {
  it('removes those of dead processes and keeps those of live ones', async () => {
    const temp = makeTempDir();
    try {
      // PID 2147483646 cannot be a live process here; this test's own PID is.
      for (const name of [`.staging-2147483646-a`, `.staging-${process.pid}-b`, '2.25.1']) fs.mkdirSync(path.join(temp.dir, name));
      expect(await removeAbandonedStaging(temp.dir)).toEqual(['.staging-2147483646-a']);
      expect(fs.readdirSync(temp.dir).sort()).toEqual([`.staging-${process.pid}-b`, '2.25.1']);
    } finally {
      temp.cleanup();
    }
  });
});
