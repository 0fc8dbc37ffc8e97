/**
 * npm run bench:infer [-- --slices N] [--threads T] [--models DIR]...
 *
 * For each runnable image task of every installed bundle (or, when none is installed,
 * the test suite's ×2 upsampler built with onnx's helper), runs N real slices through
 * the inference worker, per provider (CPU, plus any GPU provider that opens here), and
 * prints the median milliseconds per slice and the peak RSS while that task ran (each task
 * starts on a fresh worker, so earlier tasks' sessions do not count). The last line is JSON:
 *   {"tasks": {TASK: {"provider", "ms_per_slice", "inference_ms_per_slice", ...}}}
 * In the same run, the same tasks in PyTorch fp32 at the same input sizes (build/model/bench_torch.py,
 * from the checkpoints of the local `npm run model:build`) add "torch_fp32_ms_per_slice" and
 * "onnx_speedup_over_torch" (PyTorch ms / onnxruntime model ms). Both sides run on T threads (default 1:
 * the machine is shared, and a fixed count makes the ratio comparable).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { ExecutionProviderName } from '../src-shared/contract/inference';
import { BundleRegistry, type ModelSource } from '../src-main/inference/bundles/bundle-registry';
import { BundleVerifier } from '../src-main/inference/bundles/bundle-verification';
import { modelSourcesFor } from '../src-main/inference/inference-wiring';
import { providerOrder } from '../src-main/inference/providers';
import { InferenceWorkerClient } from '../src-main/inference/worker-client';
import { resolveDirs } from '../src-main/platform/paths';

const { values } = parseArgs({ options: { slices: { type: 'string', default: '8' }, threads: { type: 'string', default: '1' }, models: { type: 'string', multiple: true } } });
const sliceCount = Math.max(2, Number(values.slices));
const threads = Math.max(1, Number(values.threads));
const modelPipelineDir = path.join(import.meta.dirname, '..', 'build', 'model');
const sharedData = path.resolve(process.env.RADSTATION_SHARED_DATA ?? path.join(import.meta.dirname, '..', '..', 'shared', 'data'));
const seriesByModality: Record<string, string> = {
  CT: path.join(sharedData, 'dicom', 'series', 'ct-head-ge-tilted'),
  MR: path.join(sharedData, 'dicom', 'series', 'mr-brain-t1-mprage-siemens'),
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Slices from the middle of the series, where the anatomy (and so the work) is typical. */
function pickSlices(dir: string, count: number): string[] {
  const files = fs.readdirSync(dir).filter((name) => name.endsWith('.dcm')).sort();
  const start = Math.max(0, Math.floor(files.length / 2 - count / 2));
  return files.slice(start, start + count).map((name) => path.join(dir, name));
}

/**
 * The process's peak resident memory (worker thread included) since the last reset, sampled
 * every few milliseconds from the main thread, which only waits on the worker meanwhile.
 * maxRSS cannot be reset, so it gives only the whole run's peak.
 */
class RssSampler {
  private peak = 0;
  private readonly timer = setInterval(() => this.sample(), 5);

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }

  reset(): void {
    this.peak = 0;
    this.sample();
  }

  peakMb(): number {
    this.sample();
    return Number((this.peak / 1024 / 1024).toFixed(1));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

interface TorchTimings {
  tasks: Record<string, { inputShape: number[]; torchFp32Ms: number }>;
}

/** PyTorch fp32 ms per slice for the given tasks and input shapes, or why it could not be measured. */
function torchTimings(shapes: Record<string, number[]>): TorchTimings | string {
  if (Object.keys(shapes).length === 0) return 'no task to compare';
  const done = spawnSync('/usr/bin/python3', [path.join(modelPipelineDir, 'bench_torch.py'), '--json', '--threads', String(threads), '--shapes', JSON.stringify(shapes)], {
    cwd: modelPipelineDir,
    encoding: 'utf8',
  });
  if (done.status !== 0) {
    const reason = (done.stderr || done.error?.message || '').trim().split('\n').pop() ?? '';
    return `bench_torch.py failed (${reason}); it needs /usr/bin/python3 with torch and the checkpoints of \`npm run model:build\``;
  }
  return JSON.parse(done.stdout.trim().split('\n').pop()!) as TorchTimings;
}

async function main(): Promise<void> {
  const dirs = resolveDirs({ modelDirs: values.models });
  let sources: ModelSource[] = modelSourcesFor(dirs);
  let registry = new BundleRegistry(sources, new BundleVerifier());
  let bundles = (await registry.list()).filter((bundle) => bundle.summary.tasks.some((task) => task.runnable));
  if (bundles.length === 0) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-bench-'));
    const made = spawnSync('/usr/bin/python3', [path.join(import.meta.dirname, '..', 'tests', 'helpers', 'inference', 'make_upsample_bundle.py'), path.join(dir, 'test-upsample')], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`no bundle is installed and the test bundle could not be built: ${made.stderr}`);
    console.log(`No runnable bundle installed; benchmarking the test ×2 upsampler (${dir}).`);
    sources = [{ dir, origin: 'extra' }];
    registry = new BundleRegistry(sources, new BundleVerifier());
    bundles = await registry.list();
  }

  const worker = new InferenceWorkerClient({ maxSessions: 2, lowMemoryBytes: 256 * 1024 * 1024, intraOpThreads: threads });
  // Model input shape per task (from the first slice), for the PyTorch side.
  const inputShapes: Record<string, number[]> = {};
  const gpuProviders = providerOrder('auto').filter((provider) => provider !== 'cpu');
  const report: Record<string, Record<string, unknown>> = {};
  const rss = new RssSampler();
  for (const bundle of bundles) {
    // Slice tasks only: the VQA task answers questions, not slices (its timing is in the bundle's EVAL.json).
    const isSliceTask = (id: string): boolean => bundle.manifest?.tasks.find((t) => t.id === id)?.kind === 'image-to-image';
    for (const summary of bundle.summary.tasks.filter((task) => task.runnable && isSliceTask(task.id))) {
      const { task } = await registry.resolveTask(summary.id, bundle.summary.id);
      const modality = task.accepts.modalities.find((m) => seriesByModality[m] && fs.existsSync(seriesByModality[m]!));
      if (!modality) {
        console.log(`${task.id}: skipped, no shared series for ${task.accepts.modalities.join('/')}`);
        continue;
      }
      const files = pickSlices(seriesByModality[modality]!, sliceCount);
      const bundleRef = { id: bundle.summary.id, version: bundle.summary.version, dir: bundle.dir };
      const perProvider: Record<string, { ms_per_slice: number; inference_ms_per_slice: number; peak_rss_mb: number }> = {};
      for (const provider of ['cpu', ...gpuProviders] as ExecutionProviderName[]) {
        // A fresh worker per task and provider: the peak below is this task's, not the sessions left by earlier ones.
        await worker.terminate();
        rss.reset();
        const warm = await worker.warmUp({ bundle: bundleRef, task, provider }).catch(() => undefined);
        if (!warm || warm.provider !== provider) {
          if (provider !== 'cpu') console.log(`${task.id}: ${provider} not available here${warm?.fallbacks[0] ? ` (${warm.fallbacks[0].reason})` : ''}`);
          continue;
        }
        const totals: number[] = [];
        const inference: number[] = [];
        const stages: Record<'readMs' | 'preprocessMs' | 'postprocessMs', number[]> = { readMs: [], preprocessMs: [], postprocessMs: [] };
        // The first slice pays for first-run allocations; it is run but not counted.
        for (const [index, file] of [files[0]!, ...files].entries()) {
          const started = performance.now();
          const result = await worker.runSlice({ bundle: bundleRef, task, provider, source: { filePath: file, frame: 0 }, returnPixels: false });
          inputShapes[task.id] ??= [1, 1, Math.round(result.rows / task.postprocessing.scale), Math.round(result.columns / task.postprocessing.scale)];
          if (index > 0) {
            totals.push(performance.now() - started);
            inference.push(result.timings.inferenceMs);
            for (const stage of Object.keys(stages) as Array<keyof typeof stages>) stages[stage].push(result.timings[stage]);
          }
        }
        perProvider[provider] = { ms_per_slice: Number(median(totals).toFixed(1)), inference_ms_per_slice: Number(median(inference).toFixed(1)), peak_rss_mb: rss.peakMb() };
        console.log(
          `${task.id} (${bundle.summary.id} ${bundle.summary.version}) on ${provider}: ${perProvider[provider]!.ms_per_slice} ms/slice median over ${totals.length} ${modality} slices (read ${median(stages.readMs).toFixed(1)}, preprocess ${median(stages.preprocessMs).toFixed(1)}, model ${perProvider[provider]!.inference_ms_per_slice}, postprocess ${median(stages.postprocessMs).toFixed(1)} ms); peak RSS ${perProvider[provider]!.peak_rss_mb} MB`,
        );
      }
      const best = Object.entries(perProvider).sort((a, b) => a[1].ms_per_slice - b[1].ms_per_slice)[0];
      if (!best) continue;
      report[task.id] = {
        bundle: bundle.summary.id,
        provider: best[0],
        ms_per_slice: best[1].ms_per_slice,
        inference_ms_per_slice: best[1].inference_ms_per_slice,
        cpu_ms_per_slice: perProvider.cpu?.ms_per_slice ?? null,
        gpu_ms_per_slice: Object.entries(perProvider).find(([name]) => name !== 'cpu')?.[1].ms_per_slice ?? null,
        peak_rss_mb: best[1].peak_rss_mb,
        cpu_peak_rss_mb: perProvider.cpu?.peak_rss_mb ?? null,
        gpu_peak_rss_mb: Object.entries(perProvider).find(([name]) => name !== 'cpu')?.[1].peak_rss_mb ?? null,
        slices: sliceCount,
        input: path.basename(seriesByModality[modality]!),
      };
    }
  }
  await worker.terminate();
  rss.stop();
  const torch = torchTimings(Object.fromEntries(Object.entries(inputShapes).filter(([task]) => report[task])));
  if (typeof torch === 'string') console.log(`PyTorch fp32 column: not measured, ${torch}`);
  else {
    for (const [task, timing] of Object.entries(torch.tasks)) {
      const entry = report[task]!;
      entry.torch_fp32_ms_per_slice = Number(timing.torchFp32Ms.toFixed(1));
      entry.onnx_speedup_over_torch = Number((timing.torchFp32Ms / (entry.inference_ms_per_slice as number)).toFixed(2));
      console.log(`${task}: PyTorch fp32 ${entry.torch_fp32_ms_per_slice} ms at ${timing.inputShape.join('×')} vs onnxruntime ${String(entry.inference_ms_per_slice)} ms (model only, ${threads} thread(s)): ${String(entry.onnx_speedup_over_torch)}×`);
    }
  }
  // maxRSS covers the whole process, worker thread included (kB on Linux and macOS).
  const peakRssMb = Number((process.resourceUsage().maxRSS / 1024).toFixed(1));
  console.log(`peak RSS of the whole run ${peakRssMb} MB`);
  console.log(JSON.stringify({ tasks: report, peak_rss_mb: peakRssMb }));
}

await main();
