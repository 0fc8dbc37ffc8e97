import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deidentifyFiles } from '../../src-main/deid/deidentify-job';
import { profileOptions, profileRows, type ProfileOption } from '../../src-main/deid/profile-table';
import { pydicomUnavailable, pythonWithPydicom } from '../helpers/pydicom';
import { makeTempDir } from '../helpers/temp-dir';
import { repoRoot } from '../helpers/cli-process';

const checker = path.join(repoRoot, 'tests', 'helpers', 'deid_table_check.py');
const tableFile = path.join(repoRoot, 'src-main', 'deid', 'table-e1-1.json');
const unavailable = pydicomUnavailable();

function runChecker(mode: 'generate' | 'check', target: string): unknown {
  const result = spawnSync(pythonWithPydicom, [checker, mode, tableFile, target], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`pydicom checker failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}

describe.skipIf(unavailable !== undefined)(`Table E.1-1, row by row, at the top level and nested (pydicom checks)${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  const temp = makeTempDir('radstation-deid-table-');
  const sources = path.join(temp.dir, 'sources');
  const cacheDir = path.join(temp.dir, 'cache');
  const runs: Array<{ option: ProfileOption | null; dir: string; originals: string }> = [];

  beforeAll(async () => {
    runChecker('generate', sources);
    const files = fs.readdirSync(sources).sort();
    expect(files).toHaveLength(profileRows.length);
    // The Basic Profile on every row, then each option on the rows where its column says something.
    const plans: Array<{ option: ProfileOption | null; rows: number[] }> = [{ option: null, rows: profileRows.map((_, index) => index) }];
    for (const option of profileOptions) {
      plans.push({ option, rows: profileRows.flatMap((row, index) => (row.options[option] ? [index] : [])) });
    }
    for (const plan of plans) {
      const dir = path.join(temp.dir, `out-${plan.option ?? 'basic'}`);
      const report = await deidentifyFiles({
        cacheDir,
        paths: plan.rows.map((index) => path.join(sources, files[index] ?? '')),
        outDir: dir,
        options: plan.option ? [plan.option] : [],
        project: 'table-test',
      });
      expect(report.excluded).toEqual([]);
      expect(report.written).toBe(plan.rows.length);
      runs.push({ option: plan.option, dir, originals: sources });
    }
  }, 180_000);

  afterAll(() => temp.cleanup());

  it('applies every row’s action, with every option, at both nesting levels', () => {
    const runsFile = path.join(temp.dir, 'runs.json');
    fs.writeFileSync(runsFile, JSON.stringify(runs));
    const result = runChecker('check', runsFile) as { checked: number; failures: string[] };
    const optionRows = profileOptions.reduce((sum, option) => sum + profileRows.filter((row) => row.options[option]).length, 0);
    expect(result.checked).toBe(profileRows.length + optionRows);
    expect(result.failures).toEqual([]);
  }, 120_000);
});
