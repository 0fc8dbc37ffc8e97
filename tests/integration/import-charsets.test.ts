import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportFinished } from '../../src-shared/domain/imports';
import { databaseFileName } from '../../src-main/studies/cache/database';
import { runImport } from '../../src-main/studies/import/run-import';
import { pydicomUnavailable, pythonWithPydicom, readWithPydicom } from '../helpers/pydicom';
import { makeTempDir } from '../helpers/temp-dir';
import { spawnSync } from 'node:child_process';

/**
 * The chr*.dcm character-set samples ship with pydicom (pydicom/data/charset_files), not
 * in ../shared/data; they are read in place from the installed pydicom.
 */
function charsetFolder(): string | undefined {
  if (pydicomUnavailable()) return undefined;
  const probe = spawnSync(pythonWithPydicom, ['-c', 'import pydicom.data, os; print(os.path.join(os.path.dirname(pydicom.data.__file__), "charset_files"))'], { encoding: 'utf8' });
  const folder = probe.stdout.trim();
  return probe.status === 0 && fs.existsSync(folder) ? folder : undefined;
}

const folder = charsetFolder();
if (!folder) console.warn(`import-charsets skipped: ${pydicomUnavailable() ?? "pydicom's charset_files folder is not installed"}`);

interface Names {
  sop: string | null;
  patientName: string | null;
  studyDescription: string | null;
  referringPhysicianName: string | null;
}

describe.skipIf(folder === undefined)('character sets', () => {
  const temp = makeTempDir();
  let files: string[];
  let expected: Record<string, Names | null>;
  let finished: ImportFinished;
  let db: Database.Database;

  beforeAll(async () => {
    files = fs.readdirSync(folder!).filter((name) => /^chr.*\.dcm$/.test(name)).map((name) => path.join(folder!, name));
    expected = readWithPydicom<Record<string, Names | null>>('names', files);
    const allDir = path.join(temp.dir, 'all');
    finished = await runImport({ importId: 'charsets', cacheDir: allDir, paths: files, mode: 'link' });
    db = new Database(path.join(allDir, databaseFileName), { readonly: true });
  });
  afterAll(() => {
    db?.close();
    temp.cleanup();
  });

  it('covers Latin-1, UTF-8, Japanese, Korean, Chinese, Greek, Arabic, Hebrew and Russian samples', () => {
    const names = files.map((file) => path.basename(file));
    for (const sample of ['chrFren.dcm', 'chrX1.dcm', 'chrH31.dcm', 'chrH32.dcm', 'chrI2.dcm', 'chrX2.dcm', 'chrGreek.dcm', 'chrArab.dcm', 'chrHbrw.dcm', 'chrRuss.dcm']) {
      expect(names).toContain(sample);
    }
    expect(finished.status).toBe('completed');
  });

  it('decodes names and descriptions as pydicom does, keeping ^ and = in person names', async () => {
    let compared = 0;
    for (const file of files) {
      const independent = expected[file];
      // Each file in its own cache: several samples share a SOP Instance UID, and only the first would be cached.
      const cacheDir = path.join(temp.dir, path.basename(file));
      const result = await runImport({ importId: file, cacheDir, paths: [file], mode: 'link' });
      if (!independent?.sop) {
        // No SOP Instance UID (the sequence-encoding samples): reported, not indexed.
        expect(result.report.failed.map((failure) => failure.path)).toEqual([file]);
        continue;
      }
      const one = new Database(path.join(cacheDir, databaseFileName), { readonly: true });
      const row = one
        .prepare(
          `SELECT p.patient_name, st.study_description, st.referring_physician_name FROM instances i
             JOIN series s ON s.series_instance_uid = i.series_instance_uid
             JOIN studies st ON st.study_instance_uid = s.study_instance_uid
             JOIN patients p ON p.id = st.patient_ref WHERE i.sop_instance_uid = ?`,
        )
        .get(independent.sop) as { patient_name: string; study_description: string; referring_physician_name: string };
      one.close();
      expect(row.patient_name, path.basename(file)).toBe(independent.patientName ?? '');
      expect(row.study_description, path.basename(file)).toBe(independent.studyDescription ?? '');
      expect(row.referring_physician_name, path.basename(file)).toBe(independent.referringPhysicianName ?? '');
      compared += 1;
    }
    expect(compared).toBeGreaterThanOrEqual(14);
  });

  it('makes decoded names findable through the search index', () => {
    const search = (text: string) =>
      (db.prepare('SELECT patient_name FROM study_search WHERE study_search MATCH ?').all(`"${text}"*`) as { patient_name: string }[]).map((row) => row.patient_name);
    expect(search('Buc')).toContain('Buc^Jérôme');
    expect(search('山田').some((name) => name.includes('=山田^太郎='))).toBe(true);
    expect(search('Люкceмбypг')).toHaveLength(1);
  });
});
