import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDataDir } from './shared-data';

const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, '..', '..');
export const modelBuildDir = path.join(projectRoot, 'build', 'model');
export const bundleDir = path.join(projectRoot, 'models', 'radstation-compact');

/** Debian's interpreter with torch, onnx and nibabel; the `python3` on PATH may be another one. */
export const python = process.env.RADSTATION_PYTHON ?? '/usr/bin/python3';

/** Why the model pipeline's Python cannot run here, or null when it can. */
export function pythonUnavailableReason(): string | null {
  const probe = spawnSync(python, ['-c', 'import torch, onnx, nibabel, scipy, PIL'], { encoding: 'utf8' });
  if (probe.error) return `${python} not found (${probe.error.message})`;
  if (probe.status !== 0) return `${python} lacks torch/onnx/nibabel/scipy/PIL (install python3-torch and friends): ${probe.stderr.trim().split('\n').pop()}`;
  return null;
}

/** Runs a script of build/model/ (or inline code with '-c') and returns its stdout; throws with stderr on failure. */
export function runPython(args: string[], timeoutMs = 240_000): string {
  const done = spawnSync('nice', ['-n', '10', python, ...args], {
    cwd: modelBuildDir,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, RADSTATION_SHARED_DATA: sharedDataDir, OMP_NUM_THREADS: '1' },
  });
  if (done.status !== 0) throw new Error(`python ${args.join(' ')} failed (${done.status ?? done.signal}): ${done.stderr}`);
  return done.stdout;
}
