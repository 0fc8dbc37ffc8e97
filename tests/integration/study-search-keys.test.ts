import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCacheDatabase } from '../../src-main/studies/cache/database';
import { migrate } from '../../src-main/studies/cache/migrations';
import { listStudies, studyPage } from '../../src-main/studies/cache/study-queries';
import { deleteStudy } from '../../src-main/studies/cache/study-deletion';
import { runImport } from '../../src-main/studies/import/run-import';
import { syntheticStudy, syntheticStudyFile, writeSyntheticStudies, type SyntheticStudy } from '../helpers/synthetic-studies';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The study list's text search, found through each study's search key (migration 9), must find
 * exactly the studies whose words start with the typed words, in names, IDs, descriptions and
 * accession numbers, whichever way the page is read (in sort order, or from the matches). The
 * expected studies are worked out here from what was written, by splitting each field into
 * words, not by the code under test. 300 synthetic studies and a few with awkward names,
 * written byte by byte and imported with the real import.
 */
const studyCount = 300;
const awkward: SyntheticStudy[] = [
  { ...syntheticStudy(9001, '1.2.826.0.1.3680043.8.498.9301'), patientName: "O'Brien^Sean", patientId: 'ID(7)*', studyDescription: 'NEAR AND OR NOT' },
  { ...syntheticStudy(9002, '1.2.826.0.1.3680043.8.498.9302'), patientName: 'Smith-Jones^Ann', patientId: 'col:umn', studyDescription: 'Knee "quoted" {braces}' },
];
/** The accession number the synthetic writer gives a study. */
const accessionOf = (study: SyntheticStudy) => `ACC${study.index}`;
const wordsOf = (study: SyntheticStudy) =>
  [study.patientName, study.patientId, accessionOf(study), study.studyDescription].flatMap((field) => field.toLowerCase().split(/[^a-z0-9]+/)).filter(Boolean);
/** Every typed word (letters and digits only here) starts some word of the study. */
const matches = (study: SyntheticStudy, text: string) => text.toLowerCase().split(/\s+/).filter(Boolean).every((typed) => wordsOf(study).some((word) => word.startsWith(typed)));

describe('study search through the search keys', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');
  let written: SyntheticStudy[] = [];
  let db: Database.Database;

  beforeAll(async () => {
    const sources = path.join(temp.dir, 'sources');
    written = writeSyntheticStudies(sources, studyCount);
    for (const study of awkward) fs.writeFileSync(path.join(sources, `awkward-${study.index}.dcm`), syntheticStudyFile(study));
    const finished = await runImport({ importId: randomUUID(), cacheDir, paths: [sources], mode: 'link' });
    expect(finished.report.studies).toBe(studyCount + awkward.length);
    db = openCacheDatabase(cacheDir);
  }, 120_000);
  afterAll(() => {
    db?.close();
    temp.cleanup();
  });

  const uids = (studies: { studyInstanceUid: string }[]) => studies.map((study) => study.studyInstanceUid).sort();

  it('finds the studies whose words start with the typed words, page by page and in all', () => {
    const all = [...written, ...awkward];
    for (const text of ['chen', 'CHEN', 'kowalski ada', 'syn00001', 'SYN0000042', 'acc12', 'acc299', 'knee', 'knee ct', 'head mr', 'ab', 'nobody']) {
      const expected = all.filter((study) => matches(study, text));
      const everything = studyPage(db, { text, limit: 10_000 });
      expect(everything.total, text).toBe(expected.length);
      expect(uids(everything.studies), text).toEqual(uids(expected));
      // A small page: read in date order when more match than it holds, from the matches otherwise; the same studies either way.
      const page = studyPage(db, { text, limit: 7 });
      expect(page.total, text).toBe(expected.length);
      expect(page.studies.map((study) => study.studyInstanceUid), text).toEqual(everything.studies.slice(0, 7).map((study) => study.studyInstanceUid));
      // Whatever the caller says the total is, the drive changes only how the page is found.
      expect(listStudies(db, { text, limit: 7 }, 0).map((study) => study.studyInstanceUid), text).toEqual(page.studies.map((study) => study.studyInstanceUid));
      expect(listStudies(db, { text, limit: 7 }, 1_000_000).map((study) => study.studyInstanceUid), text).toEqual(page.studies.map((study) => study.studyInstanceUid));
    }
  });

  it('searches with a modality and sorted by each indexed column alike', () => {
    const expected = written.filter((study) => matches(study, 'chen') && study.modality === 'CT');
    for (const sortBy of ['studyDate', 'patientName', 'patientId', 'studyDescription', 'importedAt', 'modalities'] as const) {
      for (const sortDirection of ['asc', 'desc'] as const) {
        const page = studyPage(db, { text: 'chen', modality: 'CT', sortBy, sortDirection, limit: 5 });
        expect(page.total, sortBy).toBe(expected.length);
        const everything = studyPage(db, { text: 'chen', modality: 'CT', sortBy, sortDirection, limit: 10_000 });
        expect(uids(everything.studies), sortBy).toEqual(uids(expected));
        expect(page.studies, `${sortBy} ${sortDirection}`).toEqual(everything.studies.slice(0, 5));
      }
    }
  });

  it('takes search syntax and stray punctuation as text: a clear result, never an SQL error', () => {
    const [obrien, smith] = awkward.map((study) => study.studyInstanceUid);
    const found = (text: string) => studyPage(db, { text, limit: 10_000 });
    expect(uids(found("O'Brien").studies)).toEqual([obrien]);
    expect(uids(found('smith-jones').studies)).toEqual([smith]);
    expect(uids(found('ID(7)*').studies)).toEqual([obrien]);
    expect(uids(found('col:umn').studies)).toEqual([smith]);
    expect(uids(found('"quoted"').studies)).toEqual([smith]);
    expect(uids(found('NEAR AND OR NOT').studies)).toEqual([obrien]);
    expect(uids(found('{braces}').studies)).toEqual([smith]);
    for (const hostile of ['"', '""', '*', '(', ')', 'NEAR(', 'AND', 'OR', 'NOT', '-', '^', ':', '"unclosed', 'a OR b', 'x NOT y', '*chen', 'chen*', '+', '%', '_', "'", '\\']) {
      expect(() => found(hostile), hostile).not.toThrow();
    }
    // Punctuation alone is no search: the whole list, as with an empty box.
    expect(found('"').total).toBe(studyCount + awkward.length);
    expect(found('%').total).toBe(studyCount + awkward.length);
  });

  it('keeps one search row per study through a second import and a deletion', async () => {
    const again = path.join(temp.dir, 'again');
    writeSyntheticStudies(again, 3);
    await runImport({ importId: randomUUID(), cacheDir, paths: [again], mode: 'link' });
    const keyed = db.prepare('SELECT count(*) AS studies, count(DISTINCT search_rowid) AS keys FROM studies').get();
    const rows = db.prepare('SELECT count(*) AS n FROM study_search').get() as { n: number };
    expect(keyed).toEqual({ studies: studyCount + awkward.length, keys: studyCount + awkward.length });
    expect(rows.n).toBe(studyCount + awkward.length);

    const gone = written.find((study) => matches(study, 'syn0000007'));
    deleteStudy(db, cacheDir, gone?.studyInstanceUid ?? '');
    expect(studyPage(db, { text: 'syn0000007' }).total).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM study_search').get() as { n: number }).n).toBe(studyCount + awkward.length - 1);
  });
});

describe('migration 9 on a cache searched by UID', () => {
  const temp = makeTempDir();
  afterAll(() => temp.cleanup());

  it('keys every study to its search row and finds them as before', () => {
    const db = new Database(path.join(temp.dir, 'v8.sqlite'));
    migrate(db, 8);
    // Rows as the import wrote them at version 8: the search row names its study by UID only.
    db.exec(`
      INSERT INTO patients (id, patient_id, patient_name) VALUES (1, 'P1', 'Chen^Ada'), (2, 'P2', 'Novak^Hugo');
      INSERT INTO studies (study_instance_uid, patient_ref, study_date, accession_number, study_description, imported_at)
        VALUES ('1.2.3.1', 1, '20200101', 'A1', 'Head', 'x'), ('1.2.3.2', 2, '20210101', 'A2', 'Knee', 'x'), ('1.2.3.3', 1, '20220101', 'A3', 'Chest', 'x');
      INSERT INTO series (series_instance_uid, study_instance_uid, modality, series_description) VALUES ('1.2.3.1.1', '1.2.3.1', 'CT', 'axial bone');
      INSERT INTO study_search (study_instance_uid, patient_name, patient_id, accession_number, study_description, series_descriptions, referring_physician_name)
        VALUES ('1.2.3.3', 'Chen^Ada', 'P1', 'A3', 'Chest', '', ''), ('1.2.3.1', 'Chen^Ada', 'P1', 'A1', 'Head', 'axial bone', ''), ('1.2.3.2', 'Novak^Hugo', 'P2', 'A2', 'Knee', '', '');
    `);
    expect(migrate(db)).toBeGreaterThanOrEqual(9);
    const page = (text: string) => studyPage(db, { text }).studies.map((study) => study.studyInstanceUid);
    expect(page('chen')).toEqual(['1.2.3.3', '1.2.3.1']);
    expect(page('novak')).toEqual(['1.2.3.2']);
    expect(page('bone')).toEqual(['1.2.3.1']);
    expect(db.prepare('SELECT count(*) AS n FROM studies WHERE search_rowid IS NULL').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM study_search').get()).toEqual({ n: 3 });
    db.close();
  });
});
