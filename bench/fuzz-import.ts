/**
 * A longer import fuzzing campaign than the test suite's: `npm run fuzz:import -- --count N
 * [--seed S] [--batch B]`. Mutants of ../shared/data/dicom/conformance (see
 * fuzz-import/mutants.ts) and special files are imported batch by batch by the real CLI in
 * a child process, so a crash or a hang shows as the child's exit, not this script's; each
 * batch's cache is then checked (accounting, integrity_check, every instance's tags).
 * Prints a line per batch and what it found, ending with one JSON line. Exit status 1 when
 * anything was found.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportReport } from '../src-shared/domain/imports';
import { sharedDataPath } from '../tests/helpers/shared-data';
import { checkBatch, reasonHistogram, writeBatch } from './fuzz-import/campaign';
import { listBases } from './fuzz-import/mutants';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) {
    console.error(`fuzz:import: --${name} takes a whole number`);
    process.exit(2);
  }
  return value;
}

const count = option('count', 2000);
const seed = option('seed', 1);
const batchSize = Math.max(1, option('batch', 250));
const hangSeconds = option('hang-seconds', 300);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-fuzz-'));
const bases = listBases(sharedDataPath('dicom', 'conformance'));

interface Finding {
  readonly batch: number;
  readonly seed: number;
  readonly problem: string;
}

const findings: Finding[] = [];
const reports: ImportReport[] = [];
const totals = { mutants: 0, specialFiles: 0, imported: 0, refused: 0, conflicts: 0, tagsRead: 0, tagsRefused: 0, thumbnailsMade: 0, thumbnailsUnavailable: 0, crashes: 0, hangs: 0 };
const started = performance.now();

try {
  for (let batchIndex = 0, done = 0; done < count; batchIndex += 1) {
    const size = Math.min(batchSize, count - done);
    const batchSeed = seed * 100_003 + batchIndex;
    const batch = await writeBatch(path.join(workDir, `batch-${batchIndex}`), bases, size, batchSeed);
    const cacheDir = path.join(workDir, `cache-${batchIndex}`);
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src-main', 'cli', 'cli-entry.ts'), 'import', '--cache', cacheDir, '--copy', '--json', batch.folder], {
      cwd: root,
      encoding: 'utf8',
      timeout: hangSeconds * 1000,
      env: { ...process.env, RADSTATION_CACHE: '' },
    });
    await batch.specials.close();
    done += size;
    totals.mutants += size;
    totals.specialFiles += batch.specials.count;
    const note = (problem: string) => findings.push({ batch: batchIndex, seed: batchSeed, problem });
    if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
      totals.hangs += 1;
      note(`the import did not end within ${hangSeconds} s`);
    } else if (child.status !== 0) {
      totals.crashes += 1;
      note(`the import exited with ${child.signal ?? child.status}: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    } else {
      const report = JSON.parse(child.stdout.trim()) as ImportReport;
      reports.push(report);
      const check = await checkBatch(cacheDir, report, batch);
      check.problems.forEach(note);
      totals.imported += report.instances;
      totals.refused += report.failed.length;
      totals.conflicts += report.conflicts.length;
      totals.tagsRead += check.tagsRead;
      totals.tagsRefused += check.tagsRefused;
      totals.thumbnailsMade += check.thumbnailsMade;
      totals.thumbnailsUnavailable += check.thumbnailsUnavailable;
      console.log(`batch ${batchIndex} (seed ${batchSeed}): ${size} mutants, ${report.instances} imported, ${report.failed.length} refused, tags ${check.tagsRead} read / ${check.tagsRefused} refused, thumbnails ${check.thumbnailsMade} made / ${check.thumbnailsUnavailable} unavailable, ${check.problems.length} problems`);
    }
    // Keep the folders of a batch that found something, for reproducing it; drop the rest.
    if (!findings.some((finding) => finding.batch === batchIndex)) {
      fs.rmSync(batch.folder, { recursive: true, force: true });
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }
} finally {
  if (findings.length === 0) fs.rmSync(workDir, { recursive: true, force: true });
}

console.log('\nmost common refusal reasons:');
for (const { reason, count: n } of reasonHistogram(reports)) console.log(`  ${n} × ${reason}`);
console.log(`\n${findings.length === 0 ? 'found nothing' : `found ${findings.length} problems (kept in ${workDir}):`}`);
for (const finding of findings) console.log(`  batch ${finding.batch} (seed ${finding.seed}): ${finding.problem}`);
console.log(JSON.stringify({ seed, count, batchSize, ...totals, findings: findings.length, seconds: Math.round((performance.now() - started) / 100) / 10 }));
process.exitCode = findings.length === 0 ? 0 : 1;
