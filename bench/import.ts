/**
 * Import benchmark: all of ../shared/data/dicom into a fresh cache, against a plain
 * pydicom loop over the same files, both in the same run, interleaved, three rounds each.
 *
 * The import runs as shipped: the built CLI (out/main, built by `npm run bench:import`),
 * timed by the report's own `seconds`, which covers everything from opening the cache to
 * the last commit (folder walk, helper threads' start-up, checksums, copies) and leaves out
 * Node's start-up, as the pydicom timing leaves out Python's start-up and imports.
 *
 * Prints figures for copy mode (the app's default) and link mode; the last line is the JSON
 * for copy mode, or for link mode with --link. Asserts nothing about time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDataPath } from '../tests/helpers/shared-data';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const corpus = sharedDataPath('dicom');
const cli = process.env.RADSTATION_BENCH_CLI ?? path.join(root, 'out', 'main', 'cli.js');
const python = process.env.RADSTATION_PYTHON ?? '/usr/bin/python3';
const rounds = Number(process.env.RADSTATION_BENCH_ROUNDS ?? 3);
const jsonMode = process.argv.includes('--link') ? 'link' : 'copy';
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-bench-'));

interface Run {
  files: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  summary: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function runImport(mode: 'copy' | 'link', round: number): Run {
  const cacheDir = path.join(workDir, `cache-${mode}-${round}`);
  const result = spawnSync(
    process.execPath,
    ['--import', path.join(here, 'process-usage.mjs'), cli, 'import', corpus, '--cache', cacheDir, `--${mode}`, '--json'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`radstation import failed (${result.status}): ${result.stderr}`);
  const report = JSON.parse(result.stdout) as { files: number; instances: number; duplicates: number; conflicts: unknown[]; failed: unknown[]; seconds: number };
  const peakKb = Number(/peak-rss-kb (\d+)/.exec(result.stderr)?.[1] ?? NaN);
  const cpu = /cpu-seconds ([\d.]+)/.exec(result.stderr);
  fs.rmSync(cacheDir, { recursive: true, force: true });
  return {
    files: report.files,
    seconds: report.seconds,
    // Whole process, start-up included: an upper bound on the import's own CPU.
    cpuSeconds: Number(cpu?.[1] ?? NaN),
    peakRssMb: peakKb / 1024,
    summary: `${report.instances} new instances, ${report.duplicates} duplicates, ${report.conflicts.length} conflicts, ${report.failed.length} reported`,
  };
}

function runPydicom(round: number): Run {
  const result = spawnSync(python, [path.join(here, 'pydicom_baseline.py'), corpus, path.join(workDir, `pydicom-${round}.sqlite`)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the pydicom baseline failed: ${result.stderr}`);
  const py = JSON.parse(result.stdout) as { files: number; read: number; seconds: number; cpu_seconds: number };
  return { files: py.files, seconds: py.seconds, cpuSeconds: py.cpu_seconds, peakRssMb: NaN, summary: `${py.read} read` };
}

try {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run 'npm run bench:import', which builds it first.`);
  const runs: Record<'copy' | 'link' | 'pydicom', Run[]> = { copy: [], link: [], pydicom: [] };
  for (let round = 0; round < rounds; round += 1) {
    runs.copy.push(runImport('copy', round));
    runs.pydicom.push(runPydicom(round));
    runs.link.push(runImport('link', round));
  }
  const rate = (run: Run) => run.files / run.seconds;
  const medianRate = (name: keyof typeof runs) => median(runs[name].map(rate));
  const pydicomRate = medianRate('pydicom');
  for (const name of ['copy', 'link', 'pydicom'] as const) {
    const label = name === 'pydicom' ? 'pydicom loop' : `radstation (${name})`;
    const last = runs[name].at(-1)!;
    const perRound = runs[name].map((run) => `${rate(run).toFixed(0)}`).join(', ');
    const ratio = name === 'pydicom' ? '' : `; ratio ${(medianRate(name) / pydicomRate).toFixed(2)}`;
    console.log(
      `${label}: ${last.files} files, median ${medianRate(name).toFixed(0)} files/s (rounds: ${perRound})${ratio}; ` +
        `CPU ${median(runs[name].map((run) => run.cpuSeconds)).toFixed(2)} s${name === 'pydicom' ? '' : ' for the whole process'}; ${last.summary}` +
        (Number.isNaN(last.peakRssMb) ? '' : `; peak RSS ${median(runs[name].map((run) => run.peakRssMb)).toFixed(0)} MB`),
    );
  }
  console.log(`load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores: wall-clock rates move with other jobs on a shared machine`);
  const chosen = runs[jsonMode];
  console.log(
    JSON.stringify({
      files: chosen[0]!.files,
      files_per_s: Math.round(medianRate(jsonMode)),
      pydicom_files_per_s: Math.round(pydicomRate),
      ratio: Math.round((medianRate(jsonMode) / pydicomRate) * 100) / 100,
      peak_rss_mb: Math.round(median(chosen.map((run) => run.peakRssMb))),
    }),
  );
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
