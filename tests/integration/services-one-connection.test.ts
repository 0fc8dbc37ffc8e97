import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src-main/services';
import { databaseFileName } from '../../src-main/studies/cache/database';
import { studyQuerySchema } from '../../src-shared/domain/studies';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The main thread opens the cache once and hands that connection to every service (workers keep
 * their own). Counted the way the operating system sees it: this process's open file descriptors
 * on the cache's SQLite file (Linux's /proc; each better-sqlite3 connection holds one).
 */
const temp = makeTempDir('radstation-one-connection-');
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
