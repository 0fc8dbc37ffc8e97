/**
 * npm run bench:infer [-- --slices N] [--threads T] [--models DIR]...
 *
 * For each runnable image task of every installed bundle (or, when none is installed,
 * the test suite's ×2 upsampler built with onnx's helper), runs N real slices through
 * the inference worker, per provider (CPU, plus any GPU provider that opens here), and
 * prints the median milliseconds per slice and the peak RSS while that task ran (each task
 * starts on a fresh worker, so earlier tasks' sessions do not count). A closed-question task is
 * timed the same way per image and question, on N closed VQA-RAD questions. The last line is JSON:
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
import { loadDisplayedImage } from '../src-main/inference/vqa/displayed-image';
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

interface ItemTiming {
  provider: ExecutionProviderName;
  /** Why the provider asked for was passed over, when the item ran on another. */
  fallbackReason?: string;
  inferenceMs: number;
  stages?: Record<string, number>;
}

interface ProviderFigures {
  ms: number;
  inferenceMs: number;
  peakRssMb: number;
  stages: Record<string, number>;
}

/** The first `count` closed VQA-RAD questions whose image is present, or why there are none. */
function closedQuestions(count: number): Array<{ image: string; question: string }> | string {
  const dir = path.join(sharedData, 'vqa', 'vqa-rad');
  try {
    const entries = JSON.parse(fs.readFileSync(path.join(dir, 'vqa_rad.json'), 'utf8')) as Array<{ image_name: string; question: string; answer_type: string }>;
    const picked = entries
      .filter((entry) => entry.answer_type === 'CLOSED')
      .map((entry) => ({ image: path.join(dir, 'images', entry.image_name), question: entry.question }))
      .filter((entry) => fs.existsSync(entry.image))
      .slice(0, count);
    return picked.length > 0 ? picked : `no VQA-RAD closed question with its image in ${dir}`;
  } catch (error) {
    return `VQA-RAD cannot be read in ${dir} (${error instanceof Error ? error.message : String(error)})`;
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

  /**
   * Times `count` items on each provider, each provider on a fresh worker (so the peak RSS is this
   * task's, not the sessions left by earlier ones). The first item pays for session creation and
   * first-run allocations: it is run but not counted, and a provider that fell back is skipped.
   */
  async function timeOnProviders(label: string, count: number, runItem: (provider: ExecutionProviderName, index: number) => Promise<ItemTiming>) {
    const perProvider: Record<string, ProviderFigures> = {};
    for (const provider of ['cpu', ...gpuProviders] as ExecutionProviderName[]) {
      await worker.terminate();
      rss.reset();
      const first = await runItem(provider, 0).catch((error: unknown) => ({ provider: undefined, fallbackReason: error instanceof Error ? error.message : String(error) }));
      if (first.provider !== provider) {
        console.log(`${label}: ${provider} not available here${first.fallbackReason ? ` (${first.fallbackReason})` : ''}`);
        continue;
      }
      const totals: number[] = [];
      const inference: number[] = [];
      const stages: Record<string, number[]> = {};
      for (let index = 0; index < count; index += 1) {
        const started = performance.now();
        const timing = await runItem(provider, index);
        totals.push(performance.now() - started);
        inference.push(timing.inferenceMs);
        for (const [stage, ms] of Object.entries(timing.stages ?? {})) (stages[stage] ??= []).push(ms);
      }
      perProvider[provider] = { ms: Number(median(totals).toFixed(1)), inferenceMs: Number(median(inference).toFixed(1)), peakRssMb: rss.peakMb(), stages: Object.fromEntries(Object.entries(stages).map(([stage, values]) => [stage, Number(median(values).toFixed(1))])) };
    }
    return perProvider;
  }

  function record(taskId: string, bundleId: string, perProvider: Record<string, ProviderFigures>, extra: Record<string, unknown>): void {
    const best = Object.entries(perProvider).sort((a, b) => a[1].ms - b[1].ms)[0];
    if (!best) return;
    const gpu = Object.entries(perProvider).find(([name]) => name !== 'cpu')?.[1];
    report[taskId] = {
      bundle: bundleId,
      provider: best[0],
      ms_per_slice: best[1].ms,
      inference_ms_per_slice: best[1].inferenceMs,
      cpu_ms_per_slice: perProvider.cpu?.ms ?? null,
      gpu_ms_per_slice: gpu?.ms ?? null,
      peak_rss_mb: best[1].peakRssMb,
      cpu_peak_rss_mb: perProvider.cpu?.peakRssMb ?? null,
      gpu_peak_rss_mb: gpu?.peakRssMb ?? null,
      ...extra,
    };
  }

  for (const bundle of bundles) {
    const bundleRef = { id: bundle.summary.id, version: bundle.summary.version, dir: bundle.dir };
    const kindOf = (id: string) => bundle.manifest?.tasks.find((t) => t.id === id)?.kind;
    for (const summary of bundle.summary.tasks.filter((task) => task.runnable && kindOf(task.id) === 'image-to-image')) {
      const { task } = await registry.resolveTask(summary.id, bundle.summary.id);
      const modality = task.accepts.modalities.find((m) => seriesByModality[m] && fs.existsSync(seriesByModality[m]!));
      if (!modality) {
        console.log(`${task.id}: skipped, no shared series for ${task.accepts.modalities.join('/')}`);
        continue;
      }
      const files = pickSlices(seriesByModality[modality]!, sliceCount);
      const perProvider = await timeOnProviders(task.id, files.length, async (provider, index) => {
        const result = await worker.runSlice({ bundle: bundleRef, task, provider, source: { filePath: files[index]!, frame: 0 }, returnPixels: false });
        inputShapes[task.id] ??= [1, 1, Math.round(result.rows / task.postprocessing.scale), Math.round(result.columns / task.postprocessing.scale)];
        const { readMs, preprocessMs, postprocessMs } = result.timings;
        return {
          provider: result.provider,
          fallbackReason: result.fallbacks.find((fallback) => fallback.provider === provider)?.reason,
          inferenceMs: result.timings.inferenceMs,
          stages: { read: readMs, preprocess: preprocessMs, postprocess: postprocessMs },
        };
      });
      for (const [provider, figures] of Object.entries(perProvider)) {
        const stages = figures.stages;
        console.log(
          `${task.id} (${bundle.summary.id} ${bundle.summary.version}) on ${provider}: ${figures.ms} ms/slice median over ${files.length} ${modality} slices (read ${stages.read}, preprocess ${stages.preprocess}, model ${figures.inferenceMs}, postprocess ${stages.postprocess} ms); peak RSS ${figures.peakRssMb} MB`,
        );
      }
      record(task.id, bundle.summary.id, perProvider, { slices: files.length, input: path.basename(seriesByModality[modality]!) });
    }
    // Closed questions: one image and one question per item, timed like a slice.
    for (const summary of bundle.summary.tasks.filter((task) => task.runnable && kindOf(task.id) === 'vqa-closed')) {
      const { task } = await registry.resolveTask(summary.id, bundle.summary.id, 'vqa-closed');
      const questions = closedQuestions(sliceCount);
      if (typeof questions === 'string') {
        console.log(`${task.id}: skipped, ${questions}`);
        continue;
      }
      const images = await Promise.all(questions.map((item) => loadDisplayedImage(item.image)));
      const perProvider = await timeOnProviders(task.id, questions.length, async (provider, index) => {
        const result = await worker.answerQuestion({ bundle: bundleRef, task, provider, image: images[index]!, question: questions[index]!.question });
        return { provider: result.provider, fallbackReason: result.fallbacks.find((fallback) => fallback.provider === provider)?.reason, inferenceMs: result.inferenceMs };
      });
      for (const [provider, figures] of Object.entries(perProvider)) {
        console.log(`${task.id} (${bundle.summary.id} ${bundle.summary.version}) on ${provider}: ${figures.ms} ms per image and question, median over ${questions.length} VQA-RAD closed questions (model ${figures.inferenceMs} ms); peak RSS ${figures.peakRssMb} MB`);
      }
      record(task.id, bundle.summary.id, perProvider, { per: 'image and question', questions: questions.length, input: 'vqa-rad' });
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
