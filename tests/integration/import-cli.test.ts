import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliArgs, repoRoot } from '../helpers/cli-process';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

const run = (...args: string[]) => spawnSync(process.execPath, cliArgs(...args), { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, RADSTATION_CACHE: '' } });

describe('radstation import', () => {
  it('--json prints exactly one JSON line with the report', () => {
    const ct = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
    const missing = path.join(temp.dir, 'missing.dcm');
    const result = run('import', '--cache', path.join(temp.dir, 'cache'), '--link', '--json', ct, missing);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.split('\n').filter((line) => line.length > 0);
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(['conflicts', 'dicomdirs', 'duplicates', 'failed', 'files', 'instances', 'seconds', 'series', 'studies']);
    expect(report).toMatchObject({ files: 29, instances: 28, studies: 1, series: 1, duplicates: 0, conflicts: [] });
    expect(report.failed).toEqual([{ path: missing, reason: 'no such file or folder' }]);
    expect(typeof report.seconds).toBe('number');
  });

  it('refuses contradictory or missing arguments with one line and exit 2', () => {
    const both = run('import', '--copy', '--link', '--cache', temp.dir, 'x.dcm');
    expect(both.status).toBe(2);
    expect(both.stderr.trim().split('\n')).toHaveLength(1);
    expect(both.stderr).toMatch(/--copy and --link/);
    const none = run('import', '--cache', temp.dir);
    expect(none.status).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails with one line and exit 1 when the cache cannot be used', () => {
    // A regular file where the cache folder should be.
    const notAFolder = path.join(temp.dir, 'a-file');
    fs.writeFileSync(notAFolder, 'x');
    const result = run('import', '--cache', notAFolder, '--json', sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm'));
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
