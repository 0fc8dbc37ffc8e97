import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleDir, pythonUnavailableReason, runPython } from '../helpers/model-python';
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

  it.each(['superres-x2', 'superres-x4'])('leaves the skip unquantised in the shipped int8 %s graph', (task) => {
    const report = runPython(['-c', `
import json, onnx, sys
from quantize_int8 import is_fixed_interpolation
graph = onnx.load(sys.argv[1]).graph
produced_by = {o: n for n in graph.node for o in n.output}
initializers = {i.name: i.data_type for i in graph.initializer}
skip = [n for n in graph.node if is_fixed_interpolation(n)]
conv = next(n for n in skip if n.op_type == 'Conv')
pad = next(n for n in skip if n.op_type == 'Pad')
print(json.dumps({'weightType': initializers.get(conv.input[1]), 'weightProducer': getattr(produced_by.get(conv.input[1]), 'op_type', None),
                  'padReads': pad.input[0], 'graphInput': graph.input[0].name}))
`, path.join(bundleDir, `${task}.int8.onnx`)]);
    const skip = JSON.parse(report) as { weightType: number | null; weightProducer: string | null; padReads: string; graphInput: string };
    expect(skip.weightType).toBe(1); // onnx.TensorProto.FLOAT: the exact interpolation weights
    expect(skip.weightProducer).toBeNull(); // not fed through a DequantizeLinear
    expect(skip.padReads).toBe(skip.graphInput); // the exact input, not its quantised copy
  });
});
