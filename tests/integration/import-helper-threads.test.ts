import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFileName } from '../../src-main/studies/cache/database';
import { runImport } from '../../src-main/studies/import/run-import';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The import prepares files on helper threads, which copy content into the store before the
 * importing thread has decided whether it becomes a row, a duplicate or a conflict. These
 * tests force helpers on (the import would skip them for small inputs or one core) and check
 * the store against checksums computed here from the source files.
 */
const temp = makeTempDir();
afterAll(() => temp.cleanup());

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function filesUnder(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

interface CacheContents {
  instances: Array<{ sop_instance_uid: string; file_path: string; sha256: string; file_size: number }>;
  conflicts: Array<{ kept_path: string; sha256: string }>;
}

function contents(cacheDir: string): CacheContents {
  const db = new Database(path.join(cacheDir, databaseFileName), { readonly: true });
  try {
    return {
      instances: db.prepare('SELECT sop_instance_uid, file_path, sha256, file_size FROM instances').all() as CacheContents['instances'],
      conflicts: db.prepare('SELECT kept_path, sha256 FROM import_conflicts').all() as CacheContents['conflicts'],
    };
  } finally {
    db.close();
  }
}

/** Every file in store/ and conflicts/ is named by its content and referenced by exactly the rows that say so; nothing else is left. */
function expectStoreMatchesRows(cacheDir: string): void {
  const { instances, conflicts } = contents(cacheDir);
  const stored = filesUnder(path.join(cacheDir, 'store')).sort();
  const setAside = filesUnder(path.join(cacheDir, 'conflicts')).sort();
  const storeRoot = path.join(cacheDir, 'store') + path.sep;
  expect(stored).toEqual([...new Set(instances.map((row) => row.file_path).filter((file) => file.startsWith(storeRoot)))].sort());
  expect(setAside).toEqual([...new Set(conflicts.map((row) => row.kept_path))].sort());
  for (const row of [...instances.map((i) => ({ file: i.file_path, sha256: i.sha256 })), ...conflicts.map((c) => ({ file: c.kept_path, sha256: c.sha256 }))]) {
    expect(sha256(fs.readFileSync(row.file)), row.file).toBe(row.sha256);
    if (row.file.startsWith(cacheDir)) expect(path.basename(row.file)).toBe(`${row.sha256}.dcm`);
  }
}

describe('imports prepared on helper threads', () => {
  it('stores each file once under its checksum; a re-import adds and leaves nothing', async () => {
    const series = sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens');
    const cacheDir = path.join(temp.dir, 'mprage');
    const first = await runImport({ importId: 'a', cacheDir, paths: [series], mode: 'copy', helperThreads: 2 });
    expect(first.status).toBe('completed');
    const sources = filesUnder(series);
    expect(first.report).toMatchObject({ files: sources.length, instances: sources.length, duplicates: 0, failed: [], conflicts: [] });

    const { instances } = contents(cacheDir);
    expect(instances.map((row) => row.sha256).sort()).toEqual(sources.map((file) => sha256(fs.readFileSync(file))).sort());
    expect(instances.map((row) => row.file_size).reduce((a, b) => a + b, 0)).toBe(sources.map((file) => fs.statSync(file).size).reduce((a, b) => a + b, 0));
    expectStoreMatchesRows(cacheDir);

    const again = await runImport({ importId: 'b', cacheDir, paths: [series], mode: 'copy', helperThreads: 2 });
    expect(again.report).toMatchObject({ files: sources.length, instances: 0, duplicates: sources.length, conflicts: [] });
    expectStoreMatchesRows(cacheDir);
  });

  it('sets conflicting content aside and keeps no store copy of it, in copy and in link mode', async () => {
    // The same CT image in several transfer syntaxes: one SOP Instance UID, different bytes.
    const variants = sharedDataPath('dicom', 'conformance', 'cornerstone');
    for (const mode of ['copy', 'link'] as const) {
      const cacheDir = path.join(temp.dir, `variants-${mode}`);
      const result = await runImport({ importId: mode, cacheDir, paths: [variants], mode, helperThreads: 2 });
      expect(result.status).toBe('completed');
      expect(result.report.conflicts.length).toBeGreaterThan(0);
      const { instances, conflicts } = contents(cacheDir);
      expect(conflicts).toHaveLength(result.report.conflicts.length);
      expect(instances).toHaveLength(result.report.instances);
      // Link mode copies nothing but the conflicting files it sets aside.
      if (mode === 'link') expect(filesUnder(path.join(cacheDir, 'store'))).toEqual([]);
      expectStoreMatchesRows(cacheDir);
    }
  });

  it.each([0, 2])('a cancelled import (%i helpers) keeps its committed rows and removes the copies it made for files it did not place', async (helperThreads) => {
    const series = sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens');
    const cacheDir = path.join(temp.dir, `cancelled-${helperThreads}`);
    const cancellation = { cancelled: false };
    const result = await runImport({
      importId: 'c',
      cacheDir,
      paths: [series],
      mode: 'copy',
      helperThreads,
      batchSize: 10,
      cancellation,
      onStudiesChanged: () => {
        cancellation.cancelled = true;
      },
    });
    expect(result.status).toBe('cancelled');
    expect(result.report.instances).toBeGreaterThan(0);
    expect(result.report.instances).toBeLessThan(filesUnder(series).length);
    expect(contents(cacheDir).instances).toHaveLength(result.report.instances);
    expectStoreMatchesRows(cacheDir);
  });
});
