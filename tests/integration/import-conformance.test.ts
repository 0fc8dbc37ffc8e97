import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportFinished } from '../../src-shared/domain/imports';
import { databaseFileName } from '../../src-main/studies/cache/database';
import { runImport } from '../../src-main/studies/import/run-import';
import { pydicomUnavailable, readWithPydicom, type PydicomUids } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { expectEveryFileAccounted } from '../helpers/import-accounting';
import { makeTempDir } from '../helpers/temp-dir';

const skipReason = pydicomUnavailable();
if (skipReason) console.warn(`import-conformance skipped: ${skipReason}`);

function filesUnder(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe.skipIf(skipReason !== undefined)('importing every conformance file', () => {
  const temp = makeTempDir();
  let corpus: string;
  let finished: ImportFinished;
  let expected: Record<string, PydicomUids | null>;
  let db: Database.Database;

  beforeAll(async () => {
    corpus = sharedDataPath('dicom', 'conformance');
    expected = readWithPydicom<Record<string, PydicomUids | null>>('uids', [corpus]);
    finished = await runImport({ importId: 'conformance', cacheDir: temp.dir, paths: [corpus], mode: 'copy' });
    db = new Database(path.join(temp.dir, databaseFileName), { readonly: true });
  }, 300_000);
  afterAll(() => {
    db?.close();
    temp.cleanup();
  });

  it('completes, and looks at every file', () => {
    expect(finished.status).toBe('completed');
    expect(finished.report.files).toBe(filesUnder(corpus).length);
    expectEveryFileAccounted(finished.report, 'conformance corpora');
  });

  it('indexes each file with the UIDs pydicom reads, or reports it with a reason', () => {
    const rowBySha = db.prepare(
      `SELECT i.sop_instance_uid AS sop, s.series_instance_uid AS series, s.study_instance_uid AS study
         FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid WHERE i.sha256 = ?`,
    );
    const failures = new Map(finished.report.failed.map((failure) => [failure.path, failure.reason]));
    const conflicts = new Map(finished.report.conflicts.map((conflict) => [conflict.path, conflict.sopInstanceUid]));
    const counts = { indexed: 0, conflicts: 0, failed: 0 };
    for (const file of filesUnder(corpus)) {
      const independent = expected[file];
      const row = rowBySha.get(sha256(file)) as PydicomUids | undefined;
      const outcomes = [row !== undefined, conflicts.has(file), failures.has(file)].filter(Boolean).length;
      expect(outcomes, `${file}: exactly one of indexed, conflict, failed`).toBe(1);
      if (row) {
        counts.indexed += 1;
        expect(row, file).toEqual({ sop: independent?.sop, study: independent?.study, series: independent?.series });
      } else if (conflicts.has(file)) {
        counts.conflicts += 1;
        expect(conflicts.get(file), file).toBe(independent?.sop);
        // The cached instance with that UID is a different file, kept as it was.
        expect(db.prepare('SELECT count(*) AS n FROM instances WHERE sop_instance_uid = ?').get(independent?.sop)).toEqual({ n: 1 });
      } else {
        counts.failed += 1;
        expect(failures.get(file)!.length, file).toBeGreaterThan(5);
      }
    }
    console.log(`conformance corpus: ${counts.indexed} indexed (incl. duplicates), ${counts.conflicts} conflicts (same UID, other syntax), ${counts.failed} reported`);
    expect(counts.indexed + counts.conflicts + counts.failed).toBe(filesUnder(corpus).length);
    expect(counts.indexed).toBeGreaterThan(150);
  });

  it('reports nothing pydicom reads cleanly with all three UIDs as unreadable, except files that are truncated', () => {
    const surprising = finished.report.failed.filter((failure) => {
      const independent = expected[failure.path];
      const readable = independent?.sop && independent.study && independent.series && /^[0-9.]+$/.test(independent.sop);
      return readable && !/truncated|corrupt/.test(failure.reason);
    });
    expect(surprising).toEqual([]);
  });

  it('leaves a sound database whose search index covers every study', () => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const studies = db.prepare('SELECT count(*) AS n FROM studies').get() as { n: number };
    const indexed = db.prepare('SELECT count(DISTINCT study_instance_uid) AS n FROM study_search').get() as { n: number };
    expect(indexed.n).toBe(studies.n);
  });
});
