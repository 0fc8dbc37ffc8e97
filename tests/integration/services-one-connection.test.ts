import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src-main/services';
import { dimse, Status } from '../../src-main/network/dimse/dimse-library';
import { loadNetworkSettings } from '../../src-main/network/network-settings';
import { cachedInstanceUids } from '../../src-main/network/retrieve';
import { send } from '../../src-main/network/send';
import { databaseFileName, openCacheDatabase } from '../../src-main/studies/cache/database';
import { studyQuerySchema } from '../../src-shared/domain/studies';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The main thread opens the cache once and hands that connection to every service (workers keep
 * their own). Counted the way the operating system sees it: this process's open file descriptors
 * on the cache's SQLite file (Linux's /proc; each better-sqlite3 connection holds one).
 */
const temp = makeTempDir('radstation-one-connection-');
const { CFindRequest } = dimse.requests;
afterAll(() => temp.cleanup());

const procFds = '/proc/self/fd';
const canCount = fs.existsSync(procFds);
if (!canCount) console.warn('services-one-connection skipped: /proc/self/fd is Linux-only');

function openHandlesOn(file: string): number {
  let count = 0;
  for (const fd of fs.readdirSync(procFds)) {
    try {
      if (fs.readlinkSync(path.join(procFds, fd)) === file) count += 1;
    } catch {
      // The descriptor closed while listing.
    }
  }
  return count;
}

describe.skipIf(!canCount)('the main thread and the study cache', () => {
  it('holds one connection for all services, and none once they close', async () => {
    const cacheDir = path.join(temp.dir, 'cache');
    const services = createServices({ host: 'web', cacheDir, modelDirs: [] });
    const file = fs.realpathSync(path.join(cacheDir, databaseFileName));
    // Touch each service that reads the cache, so a lazily opened connection would show too.
    services.studies.list(studyQuerySchema.parse({}));
    services.viewer.measurements('1.2.3');
    expect(openHandlesOn(file)).toBe(1);
    await services.close();
    expect(openHandlesOn(file)).toBe(0);
  });
});

/**
 * The network's cache look-ups (query marks, retrieve's before-and-after, send, the archive's
 * answers) run on the connection they are handed. Shown without mocks: once the cache file is
 * unlinked, only a connection opened before can still read it; a connection opened for the call
 * would create a new empty file (writable) or fail to open (read-only).
 */
describe('the network look-ups and the main thread’s connection', () => {
  it('use the handed connection and open none of their own', async () => {
    const cacheDir = path.join(temp.dir, 'network-cache');
    const services = createServices({ host: 'web', cacheDir, modelDirs: [] });
    const shared = openCacheDatabase(cacheDir);
    const file = path.join(cacheDir, databaseFileName);
    try {
      fs.unlinkSync(file);
      expect(cachedInstanceUids(cacheDir, ['1.2.3'], shared)).toEqual(new Set());
      const node = { kind: 'dimse' as const, name: 'peer', aet: 'PEER', host: '127.0.0.1', port: 1, tls: false };
      await expect(send({ cacheDir, db: shared, settings: loadNetworkSettings(cacheDir) }, { node, studyInstanceUid: '1.2.3' })).rejects.toThrow(/holds no instances/);
      // The service's archive answers a C-FIND over the services' own connection.
      const answers = await services.network.archive(() => loadNetworkSettings(cacheDir)).cFind(CFindRequest.createStudyFindRequest({ StudyInstanceUID: '' }), 'PEER');
      expect(answers.at(-1)?.getStatus()).toBe(Status.Success);
      expect(fs.existsSync(file)).toBe(false);
      // The contrast: a look-up left to open its own connection makes a new, empty cache file.
      expect(cachedInstanceUids(cacheDir, ['1.2.3'])).toEqual(new Set());
      expect(fs.existsSync(file)).toBe(true);
    } finally {
      shared.close();
      await services.close();
    }
  });
});
