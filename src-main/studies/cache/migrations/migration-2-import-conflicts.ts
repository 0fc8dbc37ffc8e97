import type { Migration } from '.';

/**
 * Version 2 (the import side): instances that arrived with a SOP Instance UID the cache
 * already holds but different content. The cached instance is kept; the newcomer's file
 * is set aside under conflicts/ and recorded here so nothing is lost or overwritten.
 */
export const importConflictsMigration: Migration = {
  version: 2,
  description: 'import conflicts: same SOP Instance UID, different content, kept aside',
  up: (db) => {
    db.exec(`
      CREATE TABLE import_conflicts (
        id INTEGER PRIMARY KEY,
        sop_instance_uid TEXT NOT NULL,
        source_path TEXT NOT NULL,
        kept_path TEXT NOT NULL,
        file_size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        cached_sha256 TEXT NOT NULL,
        detected_at TEXT NOT NULL,
        UNIQUE (sop_instance_uid, sha256)
      );
      CREATE INDEX import_conflicts_by_uid ON import_conflicts(sop_instance_uid);
    `);
  },
};
