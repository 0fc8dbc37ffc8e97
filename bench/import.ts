/**
 * Import benchmark: all of ../shared/data/dicom into a fresh cache (copy mode, as the app
 * does), against a plain pydicom loop over the same files in the same run.
 * Run with `npm run bench:import`. Prints figures; asserts nothing about time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractInstance } from '../src-main/studies/import/parse/extract-instance';
import { readDicomFile } from '../src-main/studies/import/parse/read-dataset';
import { runImport } from '../src-main/studies/import/run-import';
import { sharedDataPath } from '../tests/helpers/shared-data';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = sharedDataPath('dicom');
const mode = process.argv.includes('--link') ? 'link' : 'copy';
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-bench-'));

try {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const finished = await runImport({ importId: 'bench', cacheDir: path.join(workDir, 'cache'), paths: [corpus], mode });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const { report } = finished;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const filesPerSecond = report.files / seconds;
  console.log(`radstation (${mode}): ${report.files} files in ${seconds.toFixed(2)} s = ${filesPerSecond.toFixed(0)} files/s; ${report.instances} new instances, ${report.duplicates} duplicates, ${report.conflicts.length} conflicts, ${report.failed.length} reported; peak RSS ${peakRssMb.toFixed(0)} MB; CPU ${cpuSeconds.toFixed(2)} s = ${(report.files / cpuSeconds).toFixed(0)} files per CPU-second`);

  // Header parsing alone, the work pydicom's loop does: no checksum, no copy, no database.
  const files = fs.readdirSync(corpus, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  const parseStarted = performance.now();
  const parseCpu = process.cpuUsage();
  let parsed = 0;
  for (const file of files) {
    try {
      extractInstance(readDicomFile(fs.readFileSync(file)));
      parsed += 1;
    } catch {
      // reported files count as looked at, as in the import
    }
  }
  const parseSeconds = (performance.now() - parseStarted) / 1000;
  const parseCpuUsed = process.cpuUsage(parseCpu);
  console.log(`radstation header parsing only: ${files.length} files (${parsed} parsed) in ${parseSeconds.toFixed(2)} s = ${(files.length / parseSeconds).toFixed(0)} files/s; CPU ${((parseCpuUsed.user + parseCpuUsed.system) / 1e6).toFixed(2)} s`);

  const python = process.env.RADSTATION_PYTHON ?? '/usr/bin/python3';
  const baseline = spawnSync(python, [path.join(here, 'pydicom_baseline.py'), corpus, path.join(workDir, 'pydicom.sqlite')], { encoding: 'utf8' });
  if (baseline.status !== 0) throw new Error(`the pydicom baseline failed: ${baseline.stderr}`);
  const py = JSON.parse(baseline.stdout) as { files: number; read: number; seconds: number; cpu_seconds: number };
  const pydicomFilesPerSecond = py.files / py.seconds;
  console.log(`pydicom loop: ${py.files} files (${py.read} read) in ${py.seconds.toFixed(2)} s = ${pydicomFilesPerSecond.toFixed(0)} files/s; CPU ${py.cpu_seconds.toFixed(2)} s = ${(py.files / py.cpu_seconds).toFixed(0)} files per CPU-second`);
  // On a shared, loaded machine wall-clock rates swing with other jobs; CPU-second rates are steadier.
  console.log(`ratio by CPU time: ${((report.files / cpuSeconds) / (py.files / py.cpu_seconds)).toFixed(2)}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);

  console.log(
    JSON.stringify({
      files: report.files,
      files_per_s: Math.round(filesPerSecond),
      pydicom_files_per_s: Math.round(pydicomFilesPerSecond),
      ratio: Math.round((filesPerSecond / pydicomFilesPerSecond) * 100) / 100,
      peak_rss_mb: Math.round(peakRssMb),
    }),
  );
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
