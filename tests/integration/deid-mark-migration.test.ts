import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFileName } from '../../src-main/studies/cache/database';
import { migrate } from '../../src-main/studies/cache/migrations';
import { readDeidentifiedStudies } from '../../src-main/deid/deidentified-studies';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Schema version 7 moves the de-identified mark from the JSON file beside the cache into the
 * studies table: a cache written before it keeps its marks, and the old cacheDir functions of
 * src-main/deid read the column.
 */
const temp = makeTempDir('radstation-deid-mark-');
afterAll(() => temp.cleanup());

describe('the de-identified mark in the cache schema', () => {
  it('carries the marks of the JSON registry over into the studies table', () => {
    const cacheDir = path.join(temp.dir, 'cache');
    fs.mkdirSync(path.join(cacheDir, 'deid-projects'), { recursive: true });
    const db = new Database(path.join(cacheDir, databaseFileName));
    migrate(db, 6);
    db.prepare("INSERT INTO patients (id, patient_id) VALUES (1, 'ANON-1')").run();
    for (const uid of ['2.25.1', '2.25.2']) db.prepare("INSERT INTO studies (study_instance_uid, patient_ref, imported_at) VALUES (?, 1, '2026-01-01')").run(uid);
    const registry = { '2.25.1': { project: 'trial', options: ['retain-uids', 'clean-descriptors'], at: '2026-02-03T04:05:06.000Z' }, '9.9.9': { project: 'gone', options: [], at: 'x' } };
    fs.writeFileSync(path.join(cacheDir, 'deid-projects', 'deidentified-studies.json'), JSON.stringify(registry));
    migrate(db);
    const rows = db.prepare('SELECT study_instance_uid, deidentified_at, deidentified_project, deidentified_options FROM studies ORDER BY study_instance_uid').all();
    db.close();
    expect(rows).toEqual([
      { study_instance_uid: '2.25.1', deidentified_at: '2026-02-03T04:05:06.000Z', deidentified_project: 'trial', deidentified_options: 'retain-uids,clean-descriptors' },
      { study_instance_uid: '2.25.2', deidentified_at: null, deidentified_project: null, deidentified_options: '' },
    ]);
    expect(readDeidentifiedStudies(cacheDir)).toEqual({ '2.25.1': registry['2.25.1'] });
  });
});
