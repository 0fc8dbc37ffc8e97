import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestSchemaVersion, migrations, skippedVersions } from '../../src-main/studies/cache/migrations';
import { repoRoot } from '../helpers/cli-process';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe('the cache migrations', () => {
  it('are numbered 1, 2, 3… in order, the only gaps being the versions listed as skipped, with a reason', () => {
    const versions = migrations.map((migration) => migration.version);
    const expected = Array.from({ length: latestSchemaVersion }, (_, index) => index + 1).filter((version) => !skippedVersions.has(version));
    expect(versions).toEqual(expected);
    for (const [version, reason] of skippedVersions) {
      expect(version).toBeLessThan(latestSchemaVersion);
      expect(reason.length).toBeGreaterThan(10);
    }
  });

  it('all live in src-main/studies/cache/migrations', () => {
    const folder = path.join(repoRoot, 'src-main', 'studies', 'cache', 'migrations');
    const declaring = sourceFiles(path.join(repoRoot, 'src-main')).filter((file) => /:\s*Migration\s*=|Migration\[\]\s*=/.test(fs.readFileSync(file, 'utf8')));
    expect(declaring.length).toBeGreaterThan(0);
    expect(declaring.filter((file) => !file.startsWith(folder + path.sep))).toEqual([]);
  });
});
