import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { pythonUnavailableReason, runPython } from '../helpers/model-python';
import { makeTempDir } from '../helpers/temp-dir';

const missing = pythonUnavailableReason();
if (missing) console.warn(`bicubic-skip export test skipped: ${missing}`);

// Exports, for each factor, ONNX Resize (cubic, from F.interpolate) and the pipeline's
// convolutional bicubic, so both run in the product's runtime on the same input.
const exportBoth = `
import sys, torch
from bicubic import BicubicUpsample
from export_onnx import BicubicOnly, export_image_graph
from pathlib import Path
out = Path(sys.argv[1])
for scale in (2, 4):
    export_image_graph(BicubicOnly(scale), out / f'resize-x{scale}.onnx', 'upscaled')
    export_image_graph(BicubicUpsample(scale), out / f'convolution-x{scale}.onnx', 'upscaled')
`;

async function upscale(graph: string, input: ort.Tensor): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(graph, { intraOpNumThreads: 1 });
  const result = (await session.run({ image: input })).upscaled!;
  await session.release();
  return result;
}

describe.skipIf(missing !== null)('the super-resolution graphs compute their bicubic skip as a convolution', () => {
  const temp = makeTempDir('radstation-bicubic-');
  afterAll(() => temp.cleanup());

  it('gives what onnxruntime Resize (cubic) gives, edges included, at x2 and x4', async () => {
    runPython(['-c', exportBoth, temp.dir]);
    // Odd, non-square and tiny sizes, where every output phase meets a clamped edge.
    for (const [height, width] of [[13, 17], [3, 2], [1, 1], [40, 33]] as const) {
      const values = Float32Array.from({ length: height * width }, (_, i) => Math.sin(i * 12.9898) * 0.5 + 0.5);
      const input = new ort.Tensor('float32', values, [1, 1, height, width]);
      for (const scale of [2, 4]) {
        const reference = await upscale(path.join(temp.dir, `resize-x${scale}.onnx`), input);
        const ours = await upscale(path.join(temp.dir, `convolution-x${scale}.onnx`), input);
        expect(ours.dims, `${height}x${width} x${scale}`).toEqual([1, 1, height * scale, width * scale]);
        expect(ours.dims).toEqual(reference.dims);
        const a = ours.data as Float32Array;
        const b = reference.data as Float32Array;
        const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
        expect(worst, `${height}x${width} x${scale}`).toBeLessThan(1e-5);
      }
    }
  }, 120_000);
});
