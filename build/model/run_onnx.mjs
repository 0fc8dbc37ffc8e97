// Runs ONNX graphs through onnxruntime-node, the product's runtime, for the evaluation and the
// benchmark. Python writes the inputs as raw little-endian arrays and a jobs file; this script
// writes raw float32 outputs (and their dims) back, or per-run timings with --bench.
//   node run_onnx.mjs jobs.json [--bench N]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ort = createRequire(resolve(root, 'package.json'))('onnxruntime-node');

const ARRAYS = { float32: Float32Array, int64: BigInt64Array };

function readTensor(spec) {
  const bytes = readFileSync(spec.file);
  const Ctor = ARRAYS[spec.type ?? 'float32'];
  const data = new Ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
  return new ort.Tensor(spec.type ?? 'float32', data, spec.dims);
}

async function main() {
  const [jobsFile, flag, repeats] = process.argv.slice(2);
  const { jobs, threads = 1 } = JSON.parse(readFileSync(jobsFile, 'utf8'));
  const bench = flag === '--bench' ? Number(repeats ?? 20) : 0;
  const sessions = new Map();
  const timings = [];
  for (const job of jobs) {
    if (!sessions.has(job.graph)) {
      sessions.set(job.graph, await ort.InferenceSession.create(job.graph, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' }));
    }
    const session = sessions.get(job.graph);
    const feeds = Object.fromEntries(Object.entries(job.inputs).map(([name, spec]) => [name, readTensor(spec)]));
    let results = await session.run(feeds);
    if (bench) {
      const times = [];
      for (let i = 0; i < bench; i += 1) {
        const start = process.hrtime.bigint();
        results = await session.run(feeds);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      times.sort((a, b) => a - b);
      timings.push({ graph: job.graph, label: job.label, medianMs: times[Math.floor(times.length / 2)], minMs: times[0] });
    }
    for (const [name, file] of Object.entries(job.outputs ?? {})) {
      const tensor = results[name];
      writeFileSync(file, Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
      writeFileSync(`${file}.json`, JSON.stringify({ dims: tensor.dims, type: tensor.type }));
    }
  }
  if (bench) process.stdout.write(`${JSON.stringify(timings)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
