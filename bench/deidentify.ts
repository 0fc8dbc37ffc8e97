/**
 * De-identification benchmark: the 176-slice MR series, Basic Profile, against a plain pydicom
 * loop doing the same actions from the same generated table, in the same run, interleaved,
 * three rounds each (best round counts). Prints files/s and the Node process's peak RSS, and
 * ends with {"files", "files_per_s", "pydicom_files_per_s", "ratio"}. Asserts nothing about time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDataPath } from '../tests/helpers/shared-data';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const series = sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens');
const python = process.env.RADSTATION_PYTHON ?? '/usr/bin/python3';
const rounds = Number(process.env.RADSTATION_BENCH_ROUNDS ?? 3);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-bench-deid-'));

function node(round: number): { files: number; seconds: number; peakRssMb: number } {
  const result = spawnSync(
    process.execPath,
    ['--import', path.join(root, 'bench', 'process-usage.mjs'), '--import', 'tsx', path.join(root, 'bench', 'deidentify-run.ts'), series, path.join(workDir, `node-${round}`), path.join(workDir, 'cache')],
    { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`de-identification failed: ${result.stderr}`);
  const figures = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { files: number; written: number; seconds: number };
  const rss = /peak-rss-kb (\d+)/.exec(result.stderr);
  return { files: figures.written, seconds: figures.seconds, peakRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

function pydicom(round: number): { files: number; seconds: number } {
  const result = spawnSync(python, [path.join(root, 'bench', 'pydicom_deidentify_baseline.py'), series, path.join(workDir, `py-${round}`), path.join(root, 'src-main', 'deid', 'table-e1-1.json')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pydicom baseline failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { files: number; seconds: number };
}

try {
  const nodeRuns: Array<ReturnType<typeof node>> = [];
  const pyRuns: Array<ReturnType<typeof pydicom>> = [];
  for (let round = 0; round < rounds; round += 1) {
    nodeRuns.push(node(round));
    pyRuns.push(pydicom(round));
    const last = nodeRuns[round];
    const lastPy = pyRuns[round];
    if (last && lastPy) {
      console.log(`round ${round + 1}: radstation ${(last.files / last.seconds).toFixed(1)} files/s (peak RSS ${last.peakRssMb.toFixed(0)} MB), pydicom ${(lastPy.files / lastPy.seconds).toFixed(1)} files/s`);
    }
  }
  const best = nodeRuns.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  const bestPy = pyRuns.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  const filesPerSecond = best.files / best.seconds;
  const pydicomFilesPerSecond = bestPy.files / bestPy.seconds;
  console.log(`best: radstation ${filesPerSecond.toFixed(1)} files/s, peak RSS ${Math.max(...nodeRuns.map((run) => run.peakRssMb)).toFixed(0)} MB; pydicom ${pydicomFilesPerSecond.toFixed(1)} files/s`);
  console.log(
    JSON.stringify({
      files: best.files,
      files_per_s: Number(filesPerSecond.toFixed(1)),
      pydicom_files_per_s: Number(pydicomFilesPerSecond.toFixed(1)),
      ratio: Number((filesPerSecond / pydicomFilesPerSecond).toFixed(2)),
      peak_rss_mb: Number(Math.max(...nodeRuns.map((run) => run.peakRssMb)).toFixed(0)),
    }),
  );
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
