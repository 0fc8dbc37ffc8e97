import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFileName, openCacheDatabase } from '../../src-main/studies/cache/database';
import { dispatch } from '../../src-main/dispatch';
import { createServices, type Services } from '../../src-main/services';
import { dicomFilesIn, seedFiles } from '../helpers/seed-cache';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Three studies from real files: the GE CT (undated, patient "REMOVED"), the Siemens MR
 * (2010-07-23, "Upgrade Test^Rorden") and a copy of part of that MR relabelled as a
 * follow-up (2024-01-15, "Müller^Jürgen"). The CT and MR are linked from a private
 * folder of originals, the follow-up is copied into the cache's store.
 */
const followUpStudy = '1.2.826.0.1.3680043.8.498.700001';
const followUpSeries = '1.2.826.0.1.3680043.8.498.700002';

describe('study list and delete, through the services both hosts use', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');
  const originals = path.join(temp.dir, 'originals');
  let services: Services;
  const changed: string[][] = [];
  const call = async (name: string, payload: unknown) => {
    const envelope = await dispatch(services.handlers, name, payload, { host: 'web', client: 'test', role: 'owner' }, () => {});
    if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
    return envelope.value as never;
  };
  const ctFiles: string[] = [];
  const mrFiles: string[] = [];
  let ctStudy = '';
  let mrStudy = '';

  beforeAll(() => {
    for (const [source, target, list] of [
      [sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'), 'ct', ctFiles],
      [sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens'), 'mr', mrFiles],
    ] as const) {
      fs.mkdirSync(path.join(originals, target), { recursive: true });
      for (const file of dicomFilesIn(source).slice(0, 30)) {
        const copy = path.join(originals, target, path.basename(file));
        fs.copyFileSync(file, copy);
        list.push(copy);
      }
    }
    const db = openCacheDatabase(cacheDir);
    seedFiles(db, cacheDir, ctFiles, { mode: 'link' });
    seedFiles(db, cacheDir, mrFiles, { mode: 'link' });
    let n = 0;
    seedFiles(db, cacheDir, mrFiles.slice(0, 12), {
      mode: 'copy',
      override: { studyInstanceUid: followUpStudy, seriesInstanceUid: followUpSeries, studyDate: '20240115', patientName: 'Müller^Jürgen', patientId: 'FU-77', studyDescription: 'Follow-up brain' },
      renameInstance: () => `1.2.826.0.1.3680043.8.498.700003.${++n}`,
    });
    ctStudy = (db.prepare("SELECT study_instance_uid AS uid FROM studies WHERE study_date = ''").get() as { uid: string }).uid;
    mrStudy = (db.prepare("SELECT study_instance_uid AS uid FROM studies WHERE study_date = '20100723'").get() as { uid: string }).uid;
    db.close();
    services = createServices({ host: 'web', cacheDir });
    services.events.subscribe((name, payload) => {
      if (name === 'studies.changed') changed.push((payload as { studyInstanceUids: string[] }).studyInstanceUids);
    });
  });
  afterAll(async () => {
    await services?.close();
    temp.cleanup();
  });

  const uidsOf = (result: { studies: { studyInstanceUid: string }[] }) => result.studies.map((study) => study.studyInstanceUid);

  it('lists every study with its counts, newest first, undated last', async () => {
    const result = await call('studies.list', {});
    expect(uidsOf(result)).toEqual([followUpStudy, mrStudy, ctStudy]);
    const [followUp, mr, ct] = (result as { studies: { modalities: string[]; seriesCount: number; instanceCount: number; patientName: string }[] }).studies;
    expect(followUp).toMatchObject({ modalities: ['MR'], seriesCount: 1, instanceCount: 12, patientName: 'Müller^Jürgen' });
    expect(mr).toMatchObject({ modalities: ['MR'], seriesCount: 1, instanceCount: 30, patientName: 'Upgrade Test^Rorden' });
    expect(ct).toMatchObject({ modalities: ['CT'], seriesCount: 1, instanceCount: 28 });
    // Undated studies stay at the end in both directions.
    expect(uidsOf(await call('studies.list', { sortDirection: 'asc' }))).toEqual([mrStudy, followUpStudy, ctStudy]);
  });

  it('searches names, IDs and descriptions by word prefix, ignoring case and accents', async () => {
    expect(uidsOf(await call('studies.list', { text: 'rord' }))).toEqual([mrStudy]);
    expect(uidsOf(await call('studies.list', { text: 'MULLER' }))).toEqual([followUpStudy]);
    expect(uidsOf(await call('studies.list', { text: 'jürg follow' }))).toEqual([followUpStudy]);
    expect(uidsOf(await call('studies.list', { text: 'fu-77' }))).toEqual([followUpStudy]);
    expect(uidsOf(await call('studies.list', { text: 'nobody' }))).toEqual([]);
    // FTS syntax typed by a user is searched for, never run as a query.
    expect(uidsOf(await call('studies.list', { text: '"rorden" OR NEAR( * -' }))).toEqual([]);
  });

  it('filters by modality and by date range; an undated study never matches a date filter', async () => {
    expect(uidsOf(await call('studies.list', { modality: 'ct' }))).toEqual([ctStudy]);
    expect(uidsOf(await call('studies.list', { modality: 'MR', sortDirection: 'asc' }))).toEqual([mrStudy, followUpStudy]);
    expect(uidsOf(await call('studies.list', { from: '20200101' }))).toEqual([followUpStudy]);
    expect(uidsOf(await call('studies.list', { to: '20151231' }))).toEqual([mrStudy]);
    expect(uidsOf(await call('studies.list', { from: '20100723', to: '20100723' }))).toEqual([mrStudy]);
    expect(uidsOf(await call('studies.list', { modality: 'CT', from: '19000101' }))).toEqual([]);
  });

  it('sorts by patient name and limits', async () => {
    const byName = await call('studies.list', { sortBy: 'patientName', sortDirection: 'asc' });
    const names = (byName as { studies: { patientName: string }[] }).studies.map((study) => study.patientName);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(uidsOf(await call('studies.list', { limit: 1 }))).toEqual([followUpStudy]);
  });

  it('rejects a malformed date in plain words', async () => {
    await expect(call('studies.list', { from: '2024-01-15' })).rejects.toThrow(/invalid-request/);
  });

  it('deletes a copied study with its managed files, and tells the lists', async () => {
    const stored = new Database(path.join(cacheDir, databaseFileName), { readonly: true });
    const copies = (stored.prepare('SELECT file_path FROM instances i JOIN series s USING (series_instance_uid) WHERE s.study_instance_uid = ?').all(followUpStudy) as { file_path: string }[]).map((row) =>
      path.resolve(cacheDir, row.file_path),
    );
    stored.close();
    expect(copies).toHaveLength(12);
    expect(copies.every((file) => fs.existsSync(file) && file.startsWith(cacheDir))).toBe(true);

    const deletion = await call('studies.delete', { studyInstanceUid: followUpStudy });
    expect(deletion).toEqual({ studyInstanceUid: followUpStudy, series: 1, instances: 12, removedFiles: 12, keptLinkedFiles: 0 });
    expect(copies.some((file) => fs.existsSync(file))).toBe(false);
    // The originals the copies were made from are untouched.
    expect(mrFiles.every((file) => fs.existsSync(file))).toBe(true);
    expect(uidsOf(await call('studies.list', {}))).toEqual([mrStudy, ctStudy]);
    expect(uidsOf(await call('studies.list', { text: 'muller' }))).toEqual([]);
    expect(changed).toContainEqual([followUpStudy]);
  });

  it('deletes a linked study from the cache but never its original files', async () => {
    const deletion = await call('studies.delete', { studyInstanceUid: ctStudy });
    expect(deletion).toEqual({ studyInstanceUid: ctStudy, series: 1, instances: 28, removedFiles: 0, keptLinkedFiles: 28 });
    expect(ctFiles.every((file) => fs.existsSync(file))).toBe(true);
    expect(uidsOf(await call('studies.list', {}))).toEqual([mrStudy]);
    const db = new Database(path.join(cacheDir, databaseFileName), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM instances').get()).toEqual({ n: 30 });
    expect(db.prepare('SELECT count(*) AS n FROM patients').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM study_search').get()).toEqual({ n: 1 });
    db.close();
  });

  it('answers not-found for a study that is not there, and loses nothing', async () => {
    await expect(call('studies.delete', { studyInstanceUid: ctStudy })).rejects.toThrow(/not-found/);
    await expect(call('studies.delete', { studyInstanceUid: '../../etc' })).rejects.toThrow(/invalid-request/);
    expect(uidsOf(await call('studies.list', {}))).toEqual([mrStudy]);
  });
});
