import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src-shared/domain/imports';
import { cliArgs, repoRoot } from '../helpers/cli-process';
import { craftedDicom } from '../helpers/crafted-dicom';
import { expectEveryFileAccounted } from '../helpers/import-accounting';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const python = '/usr/bin/python3';
const canZip = fs.existsSync(python);
if (!canZip) console.warn('zip memory test skipped: /usr/bin/python3 (used to write the test archive) is missing');

const temp = makeTempDir();
afterAll(() => temp.cleanup());

/**
 * Reports the process's peak resident memory (worker threads included) on stderr as it
 * exits. Linux's VmHWM belongs to this program alone; getrusage's maxRSS would carry over
 * the peak of the forking test process across exec.
 */
const peakReporter = path.join(temp.dir, 'report-peak-rss.mjs');
fs.writeFileSync(
  peakReporter,
  `import fs from 'node:fs';
const peakKb = () => {
  try {
    return Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
  } catch {
    return process.resourceUsage().maxRSS;
  }
};
process.on('exit', () => fs.writeSync(2, 'PEAK_RSS_KB ' + peakKb() + '\\n'));
`,
);

/** Runs `radstation import --json` in a child process; returns its report and its peak memory. */
function importMeasured(cacheDir: string, source: string): { report: ImportReport; peakMb: number } {
  const result = spawnSync(process.execPath, ['--import', peakReporter, ...cliArgs('import', '--cache', cacheDir, '--copy', '--json', source)], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, RADSTATION_CACHE: '' },
    timeout: 240_000,
  });
  expect(result.status, result.stderr).toBe(0);
  const peak = /PEAK_RSS_KB (\d+)/.exec(result.stderr);
  expect(peak, result.stderr).not.toBeNull();
  return { report: JSON.parse(result.stdout.trim()) as ImportReport, peakMb: Number(peak![1]) / 1024 };
}

const sha256File = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('import memory stays bounded', () => {
  it('imports a 160 MB file and refuses its truncated copy, holding far less than the file in memory', () => {
    const folder = path.join(temp.dir, 'large');
    fs.mkdirSync(folder);
    const large = craftedDicom({ sopInstanceUid: '1.2.826.0.1.3680043.8.498.89.1', pixelBytes: 160 * 1024 * 1024 });
    crypto.randomFillSync(large, large.length - 4096, 4096);
    const whole = path.join(folder, 'large.dcm');
    fs.writeFileSync(whole, large);
    fs.writeFileSync(path.join(folder, 'large-truncated.dcm'), large.subarray(0, large.length - 1000));
    const idle = importMeasured(path.join(temp.dir, 'cache-idle-large'), sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm'));
    const cacheDir = path.join(temp.dir, 'cache-large');
    const { report, peakMb } = importMeasured(cacheDir, folder);
    console.log(`large file import: ${(large.length / 1048576).toFixed(0)} MB file + truncated copy; peak RSS ${peakMb.toFixed(0)} MB, idle ${idle.peakMb.toFixed(0)} MB`);
    expect(report.instances).toBe(1);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.reason).toMatch(/truncated: pixel data announces/);
    expectEveryFileAccounted(report, 'large');
    // The store holds exactly the file's bytes, under their checksum.
    const digest = sha256File(whole);
    const stored = path.join(cacheDir, 'store', digest.slice(0, 2), `${digest}.dcm`);
    expect(fs.statSync(stored).size).toBe(large.length);
    expect(sha256File(stored)).toBe(digest);
    expect(peakMb - idle.peakMb).toBeLessThanOrEqual(128);
  }, 300_000);
});

describe('zip archives are inflated as streams', () => {
  it.skipIf(!canZip)('imports an archive of large, highly compressible entries with bounded memory and refuses the bomb', () => {
    const entries = path.join(temp.dir, 'entries');
    fs.mkdirSync(entries);
    const largeCount = 6;
    const entryBytes = 40 * 1024 * 1024;
    for (let index = 0; index < largeCount; index += 1) {
      const file = craftedDicom({ sopInstanceUid: `1.2.826.0.1.3680043.8.498.88.${index + 1}`, pixelBytes: entryBytes });
      // A little noise keeps each entry distinct and its ratio near 400:1, under the bomb limit.
      crypto.randomFillSync(file, file.length - 96 * 1024, 64 * 1024);
      fs.writeFileSync(path.join(entries, `large-${index}.dcm`), file);
    }
    const zipPath = path.join(temp.dir, 'bombish.zip');
    const script = `
import os, sys, zipfile
folder, target, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with zipfile.ZipFile(target, 'w', zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(folder)):
        z.write(os.path.join(folder, name), 'series/' + name)
    z.writestr('bomb.dcm', b'\\0' * (64 * 1024 * 1024))
    for index in range(count):
        z.writestr('notes/%04d.txt' % index, 'not dicom %d' % index)
`;
    const manySmall = 200;
    const made = spawnSync(python, ['-c', script, entries, zipPath, String(manySmall)], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    fs.rmSync(entries, { recursive: true });
    expect(fs.statSync(zipPath).size).toBeLessThan(10 * 1024 * 1024);

    // The same command on one small file: what the import costs before any entry is inflated.
    const idle = importMeasured(path.join(temp.dir, 'cache-idle'), sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm'));
    const { report, peakMb } = importMeasured(path.join(temp.dir, 'cache-zip'), zipPath);
    console.log(`zip import: ${largeCount} × ${entryBytes / 1048576} MiB entries + bomb + ${manySmall} small; peak RSS ${peakMb.toFixed(0)} MB, idle ${idle.peakMb.toFixed(0)} MB`);

    expect(report.instances).toBe(largeCount);
    expect(report.files).toBe(largeCount + 1 + manySmall);
    expectEveryFileAccounted(report, 'zip');
    const bomb = report.failed.find((failure) => failure.path.endsWith('!/bomb.dcm'));
    expect(bomb?.reason).toMatch(/zip bomb/);
    expect(peakMb - idle.peakMb).toBeLessThanOrEqual(128);
  }, 300_000);
});
