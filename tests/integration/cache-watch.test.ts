import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src-main/services';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';
import { cliArgs, repoRoot } from '../helpers/cli-process';

/**
 * Another process imports into the cache a running app has open: the app announces the new
 * study through studies.changed, naming it, within a few polls, and only once.
 */
describe('cache changes made by another process', () => {
  const temp = makeTempDir();
  let services: Services;
  const changed: string[][] = [];
  beforeAll(() => {
    services = createServices({ host: 'web', cacheDir: temp.dir });
    services.events.subscribe((name, payload) => {
      if (name === 'studies.changed') changed.push((payload as { studyInstanceUids: string[] }).studyInstanceUids);
    });
  });
  afterAll(async () => {
    await services.close();
    temp.cleanup();
  });

  it('announces a study the CLI imported, once, by its UID', async () => {
    const file = sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm');
    execFileSync(process.execPath, cliArgs('import', file, '--link', '--json', '--cache', temp.dir), { encoding: 'utf8', cwd: repoRoot });
    const studyUid = services.studies.list({})[0]?.studyInstanceUid;
    expect(studyUid).toBeDefined();
    const deadline = Date.now() + 10_000;
    while (changed.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(changed).toEqual([[studyUid]]);
    // Nothing more happens, so nothing more is announced.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(changed).toHaveLength(1);
  });
});
