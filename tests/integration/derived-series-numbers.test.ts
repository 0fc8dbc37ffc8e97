import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceService, type InferenceService } from '../../src-main/inference/inference-service';
import { cacheSeriesSource } from '../../src-main/inference/series-source';
import { openCacheDatabase } from '../../src-main/studies/cache/database';
import { insertDerivedSeries } from '../helpers/derived-series-insert';
import { makeUpsampleBundle, parseDicomFile, pythonFixtureProblem, seedCache } from '../helpers/inference/fixtures';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * A reader saves several results from one series (a super-resolution, a conversion, another
 * scale): each derived series gets its own Series Number, above the source's, never one the
 * study already has, including numbers handed to jobs still running. They all got S1002 before.
 */
const problem = pythonFixtureProblem();
if (problem) console.warn(`derived-series-numbers tests skipped: ${problem}`);

describe.skipIf(problem !== undefined)('Series Numbers of derived series', () => {
  const temp = makeTempDir('radstation-series-numbers-');
  const ctFiles = ['01.dcm', '02.dcm'].map((name) => sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', name));
  let db: Database.Database;
  let service: InferenceService;
  let seeded: ReturnType<typeof seedCache>;

  beforeAll(() => {
    makeUpsampleBundle(path.join(temp.dir, 'models', 'test-upsample'));
    seeded = seedCache(path.join(temp.dir, 'cache'), ctFiles);
    db = openCacheDatabase(path.join(temp.dir, 'cache'));
    service = createInferenceService({
      modelSources: [{ dir: path.join(temp.dir, 'models'), origin: 'extra' }],
      seriesSource: cacheSeriesSource(db),
      derivedRoot: path.join(temp.dir, 'cache', 'derived'),
      importDerivedSeries: async (files) => {
        insertDerivedSeries(db, files);
        return files;
      },
      emit: () => {},
    });
  });

  afterAll(async () => {
    await service.close();
    db.close();
    temp.cleanup();
  });

  it('are distinct, above the source, and skip numbers the study already has', async () => {
    const sourceNumber = parseDicomFile(ctFiles[0]!).intString('x00200011')!;
    // Another series of the study already holds the first number a result would take.
    db.prepare('UPDATE series SET series_number = ? WHERE series_instance_uid = ?').run(sourceNumber, seeded.seriesInstanceUid);
    db.prepare(
      `INSERT INTO series (series_instance_uid, study_instance_uid, modality, series_number, series_description, series_date, series_time, is_derived)
       VALUES ('1.2.826.0.1.3680043.2.1125.999.1', ?, 'CT', ?, 'a reformat made elsewhere', '', '', 1)`,
    ).run(seeded.studyInstanceUid, sourceNumber + 1000);

    // Three jobs started before any has finished, as a reader clicking Save three times.
    const jobs = await Promise.all([0, 1, 2].map(() => service.runSeries({ taskId: 'upsample-x2', provider: 'cpu', seriesInstanceUid: seeded.seriesInstanceUid })));
    const outcomes = await Promise.all(jobs.map((job) => job.done));
    const numbers = outcomes.map((outcome) => {
      expect(outcome.status, JSON.stringify(outcome.error)).toBe('completed');
      const perFile = outcome.result!.outputs.map((file) => parseDicomFile(file).intString('x00200011'));
      expect(new Set(perFile).size, 'every instance of a series carries its number').toBe(1);
      return perFile[0]!;
    });
    expect(numbers.sort((a, b) => a - b)).toEqual([sourceNumber + 1001, sourceNumber + 1002, sourceNumber + 1003]);
  });
});
