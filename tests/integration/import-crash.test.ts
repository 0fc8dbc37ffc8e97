import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFileName } from '../../src-main/studies/cache/database';
import { cliArgs, repoRoot } from '../helpers/cli-process';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

function committedInstances(cacheDir: string): number {
  const file = path.join(cacheDir, databaseFileName);
  if (!fs.existsSync(file)) return 0;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM instances').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not migrated yet
  }
}

describe('an import killed mid-batch', () => {
  it('leaves a consistent cache, and the next import finishes the rest', async () => {
    const series = sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens');
    const fileCount = fs.readdirSync(series).length;
    const cacheDir = path.join(temp.dir, 'cache');
    const batch = 7;
    // The delay (a test hook of the CLI) keeps the child importing long enough to be killed mid-batch.
    const child = spawn(process.execPath, cliArgs('import', '--cache', cacheDir, '--json', series), {
      cwd: repoRoot,
      env: { ...process.env, RADSTATION_IMPORT_DELAY_MS: '20', RADSTATION_IMPORT_BATCH: String(batch) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 120_000;
    while (committedInstances(cacheDir) < 2 * batch && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 30));
    // Let it get partway into the next batch (files copied, rows not yet committed), then kill it without warning.
    await new Promise((resolve) => setTimeout(resolve, 3 * 20 + 10));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const db = new Database(path.join(cacheDir, databaseFileName));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const survived = (db.prepare('SELECT count(*) AS n FROM instances').get() as { n: number }).n;
    // No half-written rows: every committed row's file is complete, with the checksum the row records.
    const rows = db.prepare('SELECT file_path, sha256, file_size FROM instances').all() as { file_path: string; sha256: string; file_size: number }[];
    for (const row of rows) {
      const bytes = fs.readFileSync(row.file_path);
      expect(bytes.length).toBe(row.file_size);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.sha256);
    }
    // Every committed instance hangs off a committed series and study.
    expect(db.prepare('SELECT count(*) AS n FROM instances i LEFT JOIN series s USING (series_instance_uid) WHERE s.study_instance_uid IS NULL').get()).toEqual({ n: 0 });
    expect(survived).toBeGreaterThanOrEqual(2 * batch);
    expect(survived).toBeLessThan(fileCount);
    db.close();

    const rerun = spawnSync(process.execPath, cliArgs('import', '--cache', cacheDir, '--json', series), { cwd: repoRoot, encoding: 'utf8' });
    expect(rerun.status, rerun.stderr).toBe(0);
    const report = JSON.parse(rerun.stdout) as { instances: number; duplicates: number; failed: unknown[] };
    expect(report).toMatchObject({ instances: fileCount - survived, duplicates: survived, failed: [] });

    const after = new Database(path.join(cacheDir, databaseFileName), { readonly: true });
    expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((after.prepare('SELECT count(*) AS n FROM instances').get() as { n: number }).n).toBe(fileCount);
    expect((after.prepare('SELECT count(DISTINCT sha256) AS n FROM instances').get() as { n: number }).n).toBe(fileCount);
    // Every stored file belongs to a row: the killed run's uncommitted copies were reused by content.
    const referenced = new Set((after.prepare('SELECT file_path FROM instances').all() as { file_path: string }[]).map((row) => row.file_path));
    after.close();
    const stored = fs.readdirSync(path.join(cacheDir, 'store'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.parentPath.includes('.staging'))
      .map((entry) => path.join(entry.parentPath, entry.name));
    expect(stored.filter((file) => !referenced.has(file))).toEqual([]);
    expect(stored).toHaveLength(fileCount);
  });
});
