import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateFile, makePrivateFolder } from '../../platform/private-files';
import { removeDeadStaging } from '../store/file-store';
import { migrate } from './migrations';

export const databaseFileName = 'radstation.sqlite';

/**
 * Opens (creating if needed) the cache's SQLite file in WAL mode. WAL keeps readers
 * going during an import and makes a killed writer leave a consistent file.
 */
export function openCacheDatabase(cacheDir: string, options: { readonly?: boolean } = {}): Database.Database {
  makePrivateFolder(cacheDir);
  const file = path.join(cacheDir, databaseFileName);
  if (!options.readonly) {
    // SQLite gives its -wal and -shm files the database file's mode, so this one decides all three.
    ensurePrivateFile(file);
    for (const companion of [`${file}-wal`, `${file}-shm`]) if (fs.existsSync(companion)) ensurePrivateFile(companion);
  }
  const db = new Database(file, { readonly: options.readonly ?? false });
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

/** A service's connection and how to let go of it. */
export interface ServiceConnection {
  db: Database.Database;
  /** Closes the connection if the service opened it; a shared one is closed by whoever opened it. */
  release(): void;
}

/**
 * The connection a service uses: the main thread's one shared connection when it is handed
 * one (services.ts opens and migrates it once), or its own when it runs alone (a test, the CLI).
 */
export function serviceConnection(cacheDir: string, shared?: Database.Database): ServiceConnection {
  if (shared) return { db: shared, release: () => {} };
  const db = openCacheDatabase(cacheDir);
  return { db, release: () => db.close() };
}

/**
 * Runs `use` on the main thread's shared connection when there is one; alone (the CLI, a test)
 * it opens a connection for the call and closes it after.
 */
export function withCacheConnection<T>(cacheDir: string, shared: Database.Database | undefined, use: (db: Database.Database) => T, options: { readonly?: boolean } = {}): T {
  if (shared) return use(shared);
  const db = openCacheDatabase(cacheDir, options);
  try {
    return use(db);
  } finally {
    db.close();
  }
}
