import type { Migration } from '.';

/**
 * Version 6 (reports): one draft per study. Entries are stored as JSON because they
 * are only ever read and written with their draft, and their provenance fields must
 * survive exactly as recorded.
 */
export const reportDraftsMigration: Migration = {
  version: 6,
  description: 'report drafts, one per study, with the provenance of added answers',
  up: (db) => {
    db.exec(`
      CREATE TABLE report_drafts (
        study_instance_uid TEXT PRIMARY KEY,
        template_id TEXT NOT NULL,
        findings TEXT NOT NULL,
        impression TEXT NOT NULL,
        entries_json TEXT NOT NULL DEFAULT '[]',
        revision INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
    `);
  },
};
