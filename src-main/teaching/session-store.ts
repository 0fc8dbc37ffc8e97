import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ServiceError, type deidentifyOptionNames } from '../../src-shared/contract';
import { collectFiles, deidentifyFiles, studyFiles } from '../deid/deidentify-job';
import { markDeidentifiedStudies } from '../deid/deidentified-studies';
import { parseOptionNames } from '../deid/options';
import { adoptFiles } from '../studies/import/adopt-files';
import type { Services } from '../services';
import type { CaseStudy } from './classroom-session';

type OptionName = (typeof deidentifyOptionNames)[number];

/** Where a session's store lives: its own folder, cache and secret, beside nothing of the owner's. */
export function sessionStoreDir(ownerCacheDir: string, sessionId: string): string {
  return path.join(ownerCacheDir, 'teaching', sessionId);
}

export interface SessionStoreReport {
  readonly studies: CaseStudy[];
  readonly written: number;
  readonly excluded: number;
}

/**
 * Fills a new session store: the owner's chosen studies are de-identified (the Basic Profile
 * and the chosen options) straight from the owner's cache into a staging folder of the
 * store, then imported into the store's own cache. The keyed UIDs use a secret made for
 * this store alone, so nothing in a session links back to the owner's UIDs or to another
 * session. Images that may carry burned-in text are left out, as the de-identify job does.
 */
export async function fillSessionStore(request: {
  ownerDb: Database.Database;
  ownerCacheDir: string;
  studyInstanceUids: readonly string[];
  options: readonly OptionName[];
  store: Services;
}): Promise<SessionStoreReport> {
  const storeDir = request.store.dirs.cacheDir;
  let paths: string[];
  try {
    paths = studyFiles(request.ownerDb, request.ownerCacheDir, request.studyInstanceUids);
  } catch (error) {
    throw new ServiceError('not-found', error instanceof Error ? error.message : String(error));
  }
  const staging = path.join(storeDir, 'staging');
  try {
    const report = await deidentifyFiles({ cacheDir: storeDir, paths, outDir: staging, options: parseOptionNames([...request.options]), project: 'session' });
    if (report.written === 0) {
      const reason = report.excluded[0]?.reason ?? 'no image was written';
      throw new ServiceError('invalid-request', `None of the chosen studies' images can be shared in a classroom: ${reason}.`);
    }
    await adoptFiles(request.store.imports, storeDir, collectFiles([staging]));
    const deidentifiedOf = new Map(report.studies.map((study) => [study.original, study.deidentified]));
    const uids = request.studyInstanceUids.map((uid) => deidentifiedOf.get(uid)).filter((uid): uid is string => uid !== undefined);
    markDeidentifiedStudies(storeDir, uids, { project: 'session', options: report.options, at: new Date().toISOString() });
    const studies = uids.map((studyInstanceUid) => {
      const study = request.store.viewer.study(studyInstanceUid);
      return { studyInstanceUid, series: study.series.map((series) => ({ seriesInstanceUid: series.seriesInstanceUid, sopInstanceUids: series.instances.map((instance) => instance.sopInstanceUid) })) };
    });
    return { studies, written: report.written, excluded: report.excluded.length };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
