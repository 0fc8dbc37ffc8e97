import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { pythonUnavailableReason, runPython } from '../helpers/model-python';
import { makeTempDir } from '../helpers/temp-dir';

const missing = pythonUnavailableReason();
if (missing) console.warn(`CT<->MR smoke test skipped: ${missing}`);

// Two tiny synthetic "patients" in the SynthRAD layout: a head-like ellipse, CT in HU, MR in
// arbitrary units with a different contrast, so the pairs are related but not identical.
const makePairs = `
import sys, os, numpy as np, nibabel as nib
root = sys.argv[1]
rng = np.random.default_rng(7)
for case in ('case-a', 'case-b'):
    os.makedirs(os.path.join(root, case))
    yy, xx = np.mgrid[:40, :36]
    head = (((yy - 20) / 16) ** 2 + ((xx - 18) / 14) ** 2 < 1).astype(np.float32)
    ct = np.stack([head * (30 + rng.normal(0, 5, head.shape)) - 1000 * (1 - head) for _ in range(3)], -1)
    mr = np.stack([head * (400 - 2 * yy + rng.normal(0, 10, head.shape)) for _ in range(3)], -1)
    nib.save(nib.Nifti1Image(ct.astype(np.int16), np.eye(4)), os.path.join(root, case, 'ct.nii.gz'))
    nib.save(nib.Nifti1Image(mr.astype(np.int16), np.eye(4)), os.path.join(root, case, 'mr.nii.gz'))
`;

describe.skipIf(missing !== null)('CT<->MR pipeline on paired volumes (SynthRAD layout)', () => {
  const temp = makeTempDir('radstation-ct-mr-');
  afterAll(() => temp.cleanup());

  it('trains, exports and quantises both directions, and the int8 graphs run in onnxruntime-node', async () => {
    const pairs = path.join(temp.dir, 'pairs');
    const out = path.join(temp.dir, 'out');
    runPython(['-c', makePairs, pairs]);
    runPython(['paired_ct_mr.py', '--pairs', pairs, '--out', out, '--steps', '4']);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as { slices: number; graphs: Record<string, { int8: string; fp32: string; quantizedWeights: number }> };
    expect(report.slices).toBe(6);
    expect(Object.keys(report.graphs).sort()).toEqual(['ct-to-mr', 'mr-to-ct']);
    const input = new ort.Tensor('float32', Float32Array.from({ length: 40 * 36 }, (_, i) => (i % 36) / 36), [1, 1, 40, 36]);
    for (const { int8, fp32, quantizedWeights } of Object.values(report.graphs)) {
      expect(quantizedWeights).toBeGreaterThan(0);
      const outputs = [];
      for (const graph of [int8, fp32]) {
        const session = await ort.InferenceSession.create(graph, { intraOpNumThreads: 1 });
        const result = (await session.run({ image: input })).translated!;
        expect(result.dims).toEqual([1, 1, 40, 36]);
        outputs.push(result.data as Float32Array);
        await session.release();
      }
      const [q, f] = outputs as [Float32Array, Float32Array];
      expect(q.every(Number.isFinite)).toBe(true);
      // int8 weights must stay close to the fp32 graph they were quantised from.
      const worst = q.reduce((m, v, i) => Math.max(m, Math.abs(v - f[i]!)), 0);
      expect(worst).toBeLessThan(0.05);
    }
  }, 300_000);
});
