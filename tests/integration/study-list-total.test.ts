import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/dispatch';
import { createServices, type Services } from '../../src-main/services';
import { openCacheDatabase } from '../../src-main/studies/cache/database';
import { countStudySql, listStudiesSql } from '../../src-main/studies/cache/study-queries';
import { runImport } from '../../src-main/studies/import/run-import';
import { writeSyntheticStudies, type SyntheticStudy } from '../helpers/synthetic-studies';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * A cache larger than one page of the study list: 240 one-image studies, written here byte by byte,
 * imported by the real import into a real SQLite file. The list is cut at the limit the caller asks
 * for, and the reply says how many studies match in all, under the same filters, so the browser can
 * say "50 of 240: refine the search".
 */
const studyCount = 240;

describe('studies.list: a page of the matches and their total', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');
  let services: Services;
  let written: SyntheticStudy[] = [];
  const list = async (payload: unknown) => {
    const envelope = await dispatch(services.handlers, 'studies.list', payload, { host: 'web', client: 'test', role: 'owner' }, () => {});
    if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
    return envelope.value as { studies: { studyInstanceUid: string; patientName: string; modalities: string[]; studyDate: string; seriesCount: number; instanceCount: number }[]; total?: number };
  };

  beforeAll(async () => {
    const sources = path.join(temp.dir, 'sources');
    written = writeSyntheticStudies(sources, studyCount);
    const finished = await runImport({ importId: randomUUID(), cacheDir, paths: [sources], mode: 'link' });
    expect(finished.report.studies).toBe(studyCount);
    services = createServices({ host: 'web', cacheDir });
  }, 120_000);
  afterAll(async () => {
    await services?.close();
    temp.cleanup();
  });

  it('cuts the list at the limit and counts every study', async () => {
    const reply = await list({ limit: 50 });
    expect(reply.studies).toHaveLength(50);
    expect(reply.total).toBe(studyCount);
    // The page is the newest 50, in order.
    const newest = [...written].sort((a, b) => b.studyDate.localeCompare(a.studyDate) || b.studyInstanceUid.localeCompare(a.studyInstanceUid)).slice(0, 50);
    expect(reply.studies.map((study) => study.studyDate)).toEqual(newest.map((study) => study.studyDate));
  });

  it('counts under each filter what the same filter lists without a limit', async () => {
    const filters: { payload: Record<string, unknown>; expected: (study: SyntheticStudy) => boolean }[] = [
      { payload: { modality: 'MR' }, expected: (study) => study.modality === 'MR' },
      { payload: { text: 'chen' }, expected: (study) => study.patientName.startsWith('Chen^') },
      { payload: { from: '20000301', to: '20000531' }, expected: (study) => study.studyDate >= '20000301' && study.studyDate <= '20000531' },
      { payload: { modality: 'CT', from: '20000501' }, expected: (study) => study.modality === 'CT' && study.studyDate >= '20000501' },
      { payload: { text: 'nobody' }, expected: () => false },
    ];
    for (const { payload, expected } of filters) {
      const want = written.filter(expected).length;
      const page = await list({ ...payload, limit: 7 });
      expect(page.total, JSON.stringify(payload)).toBe(want);
      expect(page.studies.length, JSON.stringify(payload)).toBe(Math.min(7, want));
      const all = await list({ ...payload, limit: 10_000 });
      expect(all.total).toBe(want);
      expect(all.studies).toHaveLength(want);
    }
  });

  it('keeps the page in the requested order when sorting by patient name', async () => {
    const reply = await list({ sortBy: 'patientName', sortDirection: 'asc', limit: 20 });
    expect(reply.total).toBe(studyCount);
    const names = written.map((study) => study.patientName).sort();
    expect(reply.studies.map((study) => study.patientName)).toEqual(names.slice(0, 20));
    // The page's counts are each study's own (one series, one image), not the whole list's.
    for (const study of reply.studies) expect([study.modalities.length, study.seriesCount, study.instanceCount]).toEqual([1, 1, 1]);
  });

  /**
   * How SQLite runs the list's searches, from its own query plan: the plan, not a stopwatch, is
   * what stays true on any machine. Without the right indexes a page of the newest 500 sorted
   * every study first, and "has a series of this modality" read every series of that modality
   * for each study (50 s for 20,000 studies).
   */
  it('reads a page off an index and checks a modality by its study', () => {
    const db = openCacheDatabase(cacheDir);
    try {
      const plan = (statement: { sql: string; params: Record<string, unknown> }) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(statement.params) as { id: number; parent: number; detail: string }[]).map((row) => row.detail);
      for (const sortDirection of ['asc', 'desc'] as const) {
        const page = plan(listStudiesSql({ sortDirection }));

        // The page is chosen by reading the studies in order, then its own rows are looked up and sorted again.
        expect(page.filter((detail) => detail.includes('TEMP B-TREE FOR ORDER BY')), sortDirection).toHaveLength(1);
        expect(page.filter((detail) => /^SCAN /.test(detail)), sortDirection).toEqual([expect.stringMatching(/^SCAN st USING (COVERING )?INDEX studies_listed_/), 'SCAN page']);
      }
      const byName = plan(listStudiesSql({ sortBy: 'patientName', sortDirection: 'asc' }));
      expect(byName.filter((detail) => /^SCAN /.test(detail))).toEqual([expect.stringMatching(/^SCAN p USING (COVERING )?INDEX patients_by_name/), 'SCAN page']);
      // Only the tie-break on UID, among one patient's studies, is sorted while reading.
      expect(byName.filter((detail) => detail.includes('TEMP B-TREE FOR'))).toEqual([expect.stringMatching(/^USE TEMP B-TREE FOR (RIGHT PART|LAST TERM) OF ORDER BY$/), 'USE TEMP B-TREE FOR ORDER BY']);
      // A modality's studies are read once off series(modality, study), never by reading every series of the modality for each study.
      for (const statement of [listStudiesSql({ modality: 'CT' }, 'order'), listStudiesSql({ modality: 'CT' }, 'matches'), countStudySql({ modality: 'CT' })]) {
        const modality = plan(statement).filter((detail) => /SEARCH (m|series) /.test(detail));
        expect(modality).toEqual([expect.stringMatching(/^SEARCH series USING COVERING INDEX series_by_modality_study \(modality=\?\)$/)]);
      }
      // Reading in date order, a text search is checked against each study's search key off the date index alone.
      const textInOrder = plan(listStudiesSql({ text: 'chen', modality: 'CT' }, 'order'));
      expect(textInOrder.filter((detail) => /^SCAN /.test(detail))).toEqual(['SCAN st USING COVERING INDEX studies_listed_newest', expect.stringMatching(/^SCAN study_search VIRTUAL TABLE/), 'SCAN page']);
      // From the matches, each is found by its search key, not by a UID read back out of the search table.
      const textMatches = plan(listStudiesSql({ text: 'chen' }, 'matches'));
      expect(textMatches).toContain('SEARCH st USING INDEX studies_by_search_row (search_rowid=?)');
    } finally {
      db.close();
    }
  });
});
