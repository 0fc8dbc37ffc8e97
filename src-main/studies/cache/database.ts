import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { removeDeadStaging } from '../store/file-store';
import { migrate } from './migrations';

export const databaseFileName = 'radstation.sqlite';

/**
 * Opens (creating if needed) the cache's SQLite file in WAL mode. WAL keeps readers
 * going during an import and makes a killed writer leave a consistent file.
 */
export function openCacheDatabase(cacheDir: string, options: { readonly?: boolean } = {}): Database.Database {
  fs.mkdirSync(cacheDir, { recursive: true });
  const db = new Database(path.join(cacheDir, databaseFileName), { readonly: options.readonly ?? false });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commit.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    migrate(db);
    removeDeadStaging(cacheDir);
  }
  return db;
}
