import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFileName, openCacheDatabase } from '../../src-main/studies/cache/database';
import { latestSchemaVersion, migrate, migrations } from '../../src-main/studies/cache/migrations';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

describe('study cache migrations', () => {
  it('brings a new cache to the latest schema, in WAL mode', () => {
    const db = openCacheDatabase(path.join(temp.dir, 'fresh'));
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('upgrades a cache from every older version to the newest', () => {
    // Every version a cache can be at: 0 and each migration's own (branches may leave gaps in the numbering).
    for (const start of [0, ...migrations.map((migration) => migration.version)].filter((version) => version < latestSchemaVersion)) {
      const db = new Database(':memory:');
      migrate(db, start);
      expect(db.pragma('user_version', { simple: true })).toBe(start);
      expect(migrate(db)).toBe(latestSchemaVersion);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name").all() as { name: string }[];
      expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['instances', 'patients', 'series', 'studies', 'study_search']));
      db.close();
    }
  });

  it('refuses a cache written by a newer Radstation instead of damaging it', () => {
    const dir = path.join(temp.dir, 'newer');
    openCacheDatabase(dir).close();
    const raw = new Database(path.join(dir, databaseFileName));
    raw.pragma(`user_version = ${latestSchemaVersion + 1}`);
    raw.close();
    expect(() => openCacheDatabase(dir)).toThrow(/newer Radstation/);
  });
});
