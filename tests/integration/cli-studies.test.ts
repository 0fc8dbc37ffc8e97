import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudySummary } from '../../src-shared/domain/studies';
import { runCli } from '../../src-main/cli/main';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) }, out, err };
}

/** The real `radstation import` fills the cache; `radstation studies` then lists it. */
describe('radstation studies', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');
  const studies = async (...args: string[]) => {
    const { io, out, err } = capture();
    const code = await runCli(['studies', '--cache', cacheDir, ...args], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const json = async (...args: string[]) => {
    const result = await studies(...args, '--json');
    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toHaveLength(1);
    return (JSON.parse(result.out) as { studies: StudySummary[] }).studies;
  };

  beforeAll(async () => {
    const { io, out, err } = capture();
    const code = await runCli(
      ['import', sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'), sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm'), '--cache', cacheDir, '--link', '--json'],
      io,
    );
    expect(code, err.join('\n')).toBe(0);
    expect(JSON.parse(out[0] ?? '{}')).toMatchObject({ instances: 29, studies: 2 });
  });
  afterAll(() => temp.cleanup());

  it('prints every study as one JSON document', async () => {
    const all = await json();
    expect(all).toHaveLength(2);
    const ct = all.find((study) => study.modalities.includes('CT'));
    expect(ct).toMatchObject({ seriesCount: 1, instanceCount: 28, modalities: ['CT'] });
    expect(all.find((study) => study.modalities.includes('MR'))).toMatchObject({ instanceCount: 1, studyDate: '20040826' });
  });

  it('filters by modality, search text and dates', async () => {
    expect((await json('--modality', 'mr')).map((study) => study.instanceCount)).toEqual([1]);
    expect((await json('--modality', 'CT')).map((study) => study.instanceCount)).toEqual([28]);
    expect(await json('--search', 'nobody-by-this-name')).toEqual([]);
    const mrName = (await json('--modality', 'MR'))[0]!.patientName.split('^')[0]!;
    expect((await json('--search', mrName.toLowerCase())).map((study) => study.modalities)).toEqual([['MR']]);
    expect((await json('--from', '2004-08-26', '--to', '20040826')).map((study) => study.modalities)).toEqual([['MR']]);
    expect(await json('--from', '2005-01-01')).toEqual([]);
  });

  it('prints a readable table without --json', async () => {
    const { code, out } = await studies();
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^Patient\s+Patient ID\s+Date\s+Modality\s+Description\s+Series\s+Images\s+Study Instance UID$/);
    expect(lines).toHaveLength(4);
    expect(lines.some((line) => /\bCT\b.*\s1\s+28\s+[0-9.]+$/.test(line))).toBe(true);
    expect(lines.some((line) => /2004-08-26\s+MR\b/.test(line))).toBe(true);
    expect(lines[3]).toBe('2 studies');
  });

  it('refuses a bad date with one line and exit status 2', async () => {
    const result = await studies('--from', '2024-13-01');
    expect(result.code).toBe(2);
    expect(result.err).toBe('radstation: studies: --from must be a date as YYYY-MM-DD or YYYYMMDD, not "2024-13-01".');
  });

  it('says so, without creating anything, for a folder with no cache', async () => {
    const { io, out } = capture();
    const empty = path.join(temp.dir, 'no-cache-here');
    expect(await runCli(['studies', '--cache', empty], io)).toBe(0);
    expect(out[0]).toBe(`No study cache in ${empty} yet.`);
    expect(await import('node:fs').then((fs) => fs.existsSync(empty))).toBe(false);
  });
});
