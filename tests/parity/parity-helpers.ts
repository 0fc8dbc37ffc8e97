/** What the HealthGPT parity checks share: the Python they call, a synthetic slice, and their checks. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { windowToGrey, type PixelImage } from '../../src-main/inference/vlm/image-preprocess';

export const PYTHON = process.env['RADSTATION_PYTHON'] ?? '/usr/bin/python3';
export const TOOL_DIR = path.resolve('build/model/healthgpt');

export function python(args: string[], threads = 1): string {
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) }, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`${PYTHON} ${args.join(' ')} failed:\n${run.stderr}`);
  return run.stdout;
}

/** Why the parity check cannot run here, or undefined when it can. */
export function pythonMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, numpy, PIL'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PYTHON} lacks torch/onnx/numpy/PIL (${probe.error?.message ?? probe.stderr.trim().split('\n').pop()})`;
}

/** A synthetic CT-like slice (HU values: air, soft tissue, a bright bone ring), windowed as the viewer would. */
export function testSlice(width: number, height: number): PixelImage {
  const hu = new Float32Array(width * height);
  // Radii in proportion to the smaller side: 16 and 12 pixels on the tiny test's 40×30 slice.
  const outer = (Math.min(width, height) * 8) / 15;
  const inner = (Math.min(width, height) * 2) / 5;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot(x - width / 2, y - height / 2);
      hu[y * width + x] = r > outer ? -1000 : r > inner ? 700 + 10 * x : 40 + 3 * ((x * 7 + y * 3) % 11);
    }
  }
  return { width, height, channels: 1, data: windowToGrey(hu, 40, 400) };
}

export function maxAbsDiff(a: Float32Array, b: readonly number[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

export function check(condition: boolean, message: string): void {
  if (!condition) {
    console.error(`parity FAILED: ${message}`);
    process.exitCode = 1;
  }
}

export function stopwatch(): (what: string) => void {
  const started = performance.now();
  return (what) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${what}`);
}
