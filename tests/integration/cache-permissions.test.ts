import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src-main/studies/import/run-import';
import { createStudyService } from '../../src-main/studies/study-service';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

/** Every path under a folder, the folder included. */
function everything(root: string): string[] {
  return [root, ...fs.readdirSync(root, { recursive: true }).map((name) => path.join(root, String(name)))];
}

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe.skipIf(process.platform === 'win32')('cache files are private to the user', () => {
  it('creates the cache, its database, store, staging and conflict folders 0700 and every file 0600', async () => {
    const previous = process.umask(0o022); // the usual default, which would leave files world-readable
    try {
      const cacheDir = path.join(temp.dir, 'cache');
      const ct = sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm');
      const finished = await runImport({ importId: 'private', cacheDir, paths: [ct, sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')], mode: 'copy' });
      expect(finished.report.instances).toBe(29);
      // Thumbnails are kept in the database; make one so the database has been written by the study service too.
      const studies = createStudyService(cacheDir);
      const series = studies.list({}).flatMap((study) => studies.series(study.studyInstanceUid));
      await studies.thumbnail(series[0]!.seriesInstanceUid).catch(() => undefined);
      const paths = everything(cacheDir);
      studies.close();
      expect(paths.some((file) => file.endsWith('radstation.sqlite'))).toBe(true);
      expect(paths.some((file) => file.includes(`${path.sep}.staging`))).toBe(true);
      const exposed = paths
        .filter((file) => fs.existsSync(file))
        .map((file) => ({ file: path.relative(cacheDir, file) || '.', mode: modeOf(file).toString(8), folder: fs.statSync(file).isDirectory() }))
        .filter(({ mode, folder }) => mode !== (folder ? '700' : '600'));
      expect(exposed).toEqual([]);
    } finally {
      process.umask(previous);
    }
  });
});
