/**
 * bench:llm — prefill time and decode speed of the VLM runtime on CPU, for the tiny HealthGPT-shaped
 * configuration the parity test uses (fp32 and int4 bundles). Prints figures, asserts nothing about
 * time, and ends with one JSON line.
 * `npm run bench:llm -- --full-size WORKDIR` measures HealthGPT-M3's real size instead (llm-bench-full.ts).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { makeTempDir } from '../helpers/temp-dir';
import { VlmSession } from '../../src-main/inference/vlm/vlm-session';
import { benchFullSize } from './llm-bench-full';

const PYTHON = process.env['RADSTATION_PYTHON'] ?? '/usr/bin/python3';
const DECODE_TOKENS = 64;
const RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function bench(bundleDir: string) {
  const session = await VlmSession.open(bundleDir, { intraOpNumThreads: 1 });
  const image = { width: 64, height: 48, channels: 1 as const, data: new Uint8Array(64 * 48).map((_, i) => (i * 37) % 256) };
  await session.ask({ question: 'describe the findings.', image, maxNewTokens: 4, ignoreStopTokens: true }); // warm-up
  const prefill: number[] = [];
  const decode: number[] = [];
  let promptTokens = 0;
  for (let run = 0; run < RUNS; run++) {
    const a = await session.ask({ question: 'describe the findings.', image, maxNewTokens: DECODE_TOKENS, ignoreStopTokens: true });
    prefill.push(a.timings.prefillMs);
    decode.push((a.timings.decodedTokens / a.timings.decodeMs) * 1000);
    promptTokens = a.promptTokens;
  }
  await session.close();
  return { prefillMs: median(prefill), decodeTokensPerS: median(decode), promptTokens };
}

async function main(): Promise<void> {
  const fullSize = process.argv.indexOf('--full-size');
  if (fullSize >= 0) {
    const workDir = process.argv[fullSize + 1];
    if (!workDir) throw new Error('--full-size needs a work folder: npm run bench:llm -- --full-size WORKDIR');
    return benchFullSize(workDir);
  }
  const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log(`bench:llm skipped: ${PYTHON} lacks torch/onnx/numpy, which build the tiny bundle. Set RADSTATION_PYTHON.`);
    return;
  }
  const { dir, cleanup } = makeTempDir('radstation-llm-bench-');
  try {
    const made = spawnSync(PYTHON, [path.resolve('build/model/healthgpt/make_tiny_checkpoint.py'), dir, '--convert'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    const fp32 = await bench(path.join(dir, 'bundle-fp32'));
    const int4 = await bench(path.join(dir, 'bundle-int4'));
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(`tiny HealthGPT (2 layers, hidden 64, vocab 369, 16 image tokens) on ${cpu}, 1 intra-op thread, median of ${RUNS}`);
    console.log(`fp32: prefill ${fp32.prefillMs.toFixed(2)} ms for ${fp32.promptTokens} positions, decode ${fp32.decodeTokensPerS.toFixed(1)} tokens/s`);
    console.log(`int4: prefill ${int4.prefillMs.toFixed(2)} ms for ${int4.promptTokens} positions, decode ${int4.decodeTokensPerS.toFixed(1)} tokens/s`);
    console.log('For HealthGPT-M3 at its real size (random weights): npm run bench:llm -- --full-size WORKDIR');
    console.log(JSON.stringify({
      config: 'tiny', device: 'cpu', prompt_positions: fp32.promptTokens, decode_tokens: DECODE_TOKENS,
      fp32_prefill_ms: fp32.prefillMs, fp32_decode_tokens_per_s: fp32.decodeTokensPerS,
      int4_prefill_ms: int4.prefillMs, int4_decode_tokens_per_s: int4.decodeTokensPerS,
    }));
  } finally {
    cleanup();
  }
}

await main();
