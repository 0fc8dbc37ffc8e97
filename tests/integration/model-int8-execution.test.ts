import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleDir, pythonUnavailableReason, runPython } from '../helpers/model-python';
import { makeTempDir } from '../helpers/temp-dir';

const missing = pythonUnavailableReason();
if (missing) console.warn(`int8 execution test skipped: ${missing}`);

interface QuantisationEntry {
  mode: string;
}
const evaluation = JSON.parse(fs.readFileSync(path.join(bundleDir, 'EVAL.json'), 'utf8')) as { quantisation: Record<string, QuantisationEntry> };
const staticGraphs = Object.entries(evaluation.quantisation)
  .filter(([, entry]) => entry.mode === 'static-qdq')
  .map(([task]) => task);

// Counts op types in a graph, and the learned convolutions of the shipped one (the super-resolution
// graphs' fixed bicubic convolution is meant to stay float).
const countOps = `
import json, sys, onnx
from collections import Counter
from quantize_int8 import is_fixed_interpolation
graph = onnx.load(sys.argv[1]).graph
print(json.dumps({'ops': Counter(n.op_type for n in graph.node),
                  'learnedConvs': sum(1 for n in graph.node if n.op_type == 'Conv' and not is_fixed_interpolation(n))}))
`;

function opCounts(graph: string): { ops: Record<string, number>; learnedConvs: number } {
  return JSON.parse(runPython(['-c', countOps, graph])) as { ops: Record<string, number>; learnedConvs: number };
}

// The card says the static int8 graphs run as integer convolutions in onnxruntime on CPU. That
// depends on onnxruntime fusing each DequantizeLinear -> Conv -> QuantizeLinear group; if a
// runtime update or an export change stopped the fusion, the graphs would quietly run in float.
describe.skipIf(missing !== null)('the static int8 graphs run as integer convolutions in onnxruntime-node', () => {
  const temp = makeTempDir('radstation-int8-');
  afterAll(() => temp.cleanup());

  it('EVAL.json lists the static graphs', () => {
    expect(staticGraphs.length).toBeGreaterThan(0);
  });

  it.each(staticGraphs)('%s: every learned convolution becomes QLinearConv', async (task) => {
    const shipped = path.join(bundleDir, `${task}.int8.onnx`);
    const optimised = path.join(temp.dir, `${task}.optimised.onnx`);
    const session = await ort.InferenceSession.create(shipped, {
      intraOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      optimizedModelFilePath: optimised,
    });
    await session.release();
    const before = opCounts(shipped);
    const after = opCounts(optimised);
    expect(before.learnedConvs, task).toBeGreaterThan(0);
    expect(after.ops.QLinearConv ?? 0, task).toBe(before.learnedConvs);
    // Residual additions between quantised tensors run in integer arithmetic too.
    expect(after.ops.QLinearAdd ?? 0, task).toBeGreaterThan(0);
  }, 60_000);
});
