import type Database from 'better-sqlite3';

/** How often the cache is asked whether another connection committed; a pragma read, microseconds. */
export const cacheWatchIntervalMs = 1000;

interface Baseline {
  version: number;
  lastInstanceRowid: number;
  studies: number;
}

export interface CacheWatch {
  /** Takes the cache as it is now as seen: a change this process announced itself needs no second event. */
  absorb(): void;
  stop(): void;
}

/**
 * Calls onChange when another connection, in this process or another one (the CLI importing
 * into the same cache, a second app window's host), commits to the cache. SQLite's
 * `PRAGMA data_version` changes exactly then, and never for this connection's own writes.
 * The studies named are those with instances added since (instances only grow by rowid);
 * when studies went away, which ones is not known and the list is empty. Other commits
 * (a draft saved elsewhere) change no list and are not announced. The timer does not keep
 * the process alive.
 */
export function watchCacheChanges(db: Database.Database, onChange: (studyInstanceUids: string[]) => void, intervalMs = cacheWatchIntervalMs): CacheWatch {
  const readBaseline = (): Baseline => ({
    version: db.pragma('data_version', { simple: true }) as number,
    lastInstanceRowid: (db.prepare('SELECT coalesce(max(rowid), 0) AS id FROM instances').get() as { id: number }).id,
    studies: (db.prepare('SELECT count(*) AS n FROM studies').get() as { n: number }).n,
  });
  let seen = readBaseline();
  const touchedSince = db.prepare(
    `SELECT DISTINCT s.study_instance_uid AS uid FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid WHERE i.rowid > ?`,
  );
  const timer = setInterval(() => {
    let now: Baseline;
    let added: string[];
    try {
      if ((db.pragma('data_version', { simple: true }) as number) === seen.version) return;
      now = readBaseline();
      added = (touchedSince.all(seen.lastInstanceRowid) as { uid: string }[]).map((row) => row.uid);
    } catch {
      // The connection closed under us (shutting down): nothing left to watch.
      clearInterval(timer);
      return;
    }
    const removed = now.studies < seen.studies;
    seen = now;
    if (removed) onChange([]);
    else if (added.length > 0) onChange(added);
  }, intervalMs);
  timer.unref();
  return {
    absorb: () => {
      try {
        seen = readBaseline();
      } catch {
        // Closed: the next tick stops the timer.
      }
    },
    stop: () => clearInterval(timer),
  };
}
