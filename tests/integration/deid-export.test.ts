import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src-main/studies/import/run-import';
import { cliArgs, repoRoot } from '../helpers/cli-process';
import { pydicomUnavailable, runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * `radstation deidentify --dicomdir` and zip output, checked by tools that are not ours:
 * dcmtk's dcmdump, dicom3tools' dciodvfy (the Basic Directory IOD), pydicom's FileSet (which
 * walks the records by their byte offsets), Info-ZIP's unzip, and Radstation's own DICOMDIR
 * and zip import taking the output back into a fresh cache.
 */

const temp = makeTempDir('radstation-deid-export-');
afterAll(() => temp.cleanup());
const ctSeries = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
const ctFiles = fs.readdirSync(ctSeries).filter((name) => name.endsWith('.dcm')).length;
const cacheDir = path.join(temp.dir, 'cache');

const run = (...args: string[]) => spawnSync(process.execPath, cliArgs('deidentify', '--cache', cacheDir, ...args), { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, RADSTATION_CACHE: '' } });
const missing = (tool: string) => spawnSync(tool, ['-h'], { encoding: 'utf8' }).error !== undefined;
const pydicomMissing = pydicomUnavailable();
const toolsMissing = ['dcmdump', 'dciodvfy', 'unzip'].filter(missing);
const skipReason = [pydicomMissing, ...toolsMissing.map((tool) => `${tool} is not installed`)].filter(Boolean).join('; ');

interface CliReport {
  written: number;
  outDir: string;
  studies: Array<{ original: string; deidentified: string }>;
  dicomdir?: { indexed: number; notIndexed: unknown[] };
  zip?: { entries: number };
}

/** What pydicom's FileSet finds by following the DICOMDIR's offsets, and what each referenced file says. */
const readFileSet = `
import sys, json, pydicom
from pydicom.fileset import FileSet
fs = FileSet(pydicom.dcmread(sys.argv[1]))
out = []
for inst in fs:
    ds = inst.load()
    out.append({'type': inst.DirectoryRecordType, 'recordSop': inst.ReferencedSOPInstanceUIDInFile, 'fileSop': ds.SOPInstanceUID,
                'study': ds.StudyInstanceUID, 'patient': str(ds.PatientName), 'removed': ds.PatientIdentityRemoved,
                'exists': __import__('os').path.isfile(inst.path)})
print(json.dumps(out))
`;

function dciodvfyErrors(file: string): string[] {
  const result = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  return `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.startsWith('Error'));
}

describe.skipIf(skipReason !== '')(`de-identified output with a DICOMDIR${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  it('writes a DICOMDIR beside the files that dcmdump reads, dciodvfy accepts, pydicom walks and the import takes back', async () => {
    const out = path.join(temp.dir, 'media');
    const result = run(ctSeries, '--out', out, '--dicomdir', '--json');
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as CliReport;
    expect(report.written).toBe(ctFiles);
    expect(report.dicomdir).toEqual({ indexed: ctFiles, notIndexed: [] });
    const dicomdir = path.join(out, 'DICOMDIR');

    const dump = spawnSync('dcmdump', [dicomdir], { encoding: 'utf8' });
    expect(dump.status, dump.stderr).toBe(0);
    expect(dump.stdout).toContain('=MediaStorageDirectoryStorage');
    expect(dump.stdout.match(/\(0004,1430\) CS \[IMAGE\]/g)).toHaveLength(ctFiles);
    expect(dump.stdout).not.toMatch(/PatientName.*\[[^\]]/); // no name survives into the index
    expect(dciodvfyErrors(dicomdir)).toEqual([]);

    const records = runPydicom<Array<{ type: string; recordSop: string; fileSop: string; study: string; patient: string; removed: string; exists: boolean }>>(readFileSet, [dicomdir]);
    expect(records).toHaveLength(ctFiles);
    for (const record of records) {
      expect(record).toMatchObject({ type: 'IMAGE', exists: true, removed: 'YES', patient: '' });
      expect(record.recordSop).toBe(record.fileSop);
      expect(record.study).toBe(report.studies[0]?.deidentified);
    }

    const imported = await runImport({ importId: randomUUID(), cacheDir: path.join(temp.dir, 'reimport'), paths: [dicomdir], mode: 'copy' });
    expect(imported.report).toMatchObject({ instances: ctFiles, studies: 1, dicomdirs: 1, failed: [] });
  });

  it('writes a zip archive, DICOMDIR first, that unzip tests clean and the import takes back', async () => {
    const zipFile = path.join(temp.dir, 'exports', 'case.zip');
    const result = run(ctSeries, '--out', zipFile, '--dicomdir', '--json');
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as CliReport;
    expect(report).toMatchObject({ written: ctFiles, outDir: zipFile, zip: { entries: ctFiles + 1 } });
    const test = spawnSync('unzip', ['-t', zipFile], { encoding: 'utf8' });
    expect(test.status, test.stdout).toBe(0);
    const listing = spawnSync('unzip', ['-Z1', zipFile], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(listing[0]).toBe('DICOMDIR');
    expect(listing.slice(1).every((name) => /^DICOM\/ST\d{6}\/SE\d{6}\/IM\d{6}$/.test(name))).toBe(true);
    // No staging folder is left behind in the cache.
    expect(fs.readdirSync(path.join(cacheDir, 'deid-staging'))).toEqual([]);

    const extracted = path.join(temp.dir, 'extracted');
    expect(spawnSync('unzip', ['-q', zipFile, '-d', extracted]).status).toBe(0);
    expect(dciodvfyErrors(path.join(extracted, 'DICOMDIR'))).toEqual([]);
    const imported = await runImport({ importId: randomUUID(), cacheDir: path.join(temp.dir, 'zip-import'), paths: [zipFile], mode: 'copy' });
    expect(imported.report).toMatchObject({ instances: ctFiles, studies: 1, failed: [] });
  });

  it('writes a zip without a DICOMDIR in the study/series/instance layout', () => {
    const zipFile = path.join(temp.dir, 'plain.zip');
    const result = run(ctSeries, '--out', zipFile, '--json');
    expect(result.status, result.stderr).toBe(0);
    const listing = spawnSync('unzip', ['-Z1', zipFile], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(listing).toHaveLength(ctFiles);
    expect(listing.every((name) => /^2\.25\.\d+\/2\.25\.\d+\/2\.25\.\d+\.dcm$/.test(name))).toBe(true);
  });

  it('refuses --dicomdir into a folder that already holds a file-set, and leaves it as it was', () => {
    const out = path.join(temp.dir, 'taken');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'DICOMDIR'), 'earlier file-set');
    const result = run(ctSeries, '--out', out, '--dicomdir');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/already holds a DICOMDIR/);
    expect(fs.readFileSync(path.join(out, 'DICOMDIR'), 'utf8')).toBe('earlier file-set');
    expect(fs.readdirSync(out)).toEqual(['DICOMDIR']);
  });
});
