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

/** Reports the process's peak resident memory (worker threads included) on stderr as it exits. */
const peakReporter = path.join(temp.dir, 'report-peak-rss.mjs');
fs.writeFileSync(peakReporter, "import fs from 'node:fs';\nprocess.on('exit', () => fs.writeSync(2, `PEAK_RSS_KB ${process.resourceUsage().maxRSS}\\n`));\n");

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
    z.writestr('bomb.dcm', b'\\0' * (96 * 1024 * 1024))
    for index in range(count):
        z.writestr('notes/%04d.txt' % index, 'not dicom %d' % index)
`;
    const manySmall = 300;
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
