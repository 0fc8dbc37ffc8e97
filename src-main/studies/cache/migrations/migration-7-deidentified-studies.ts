import fs from 'node:fs';
import path from 'node:path';
import type { Migration } from '.';

/**
 * Version 7 (de-identification): a study Radstation de-identified into the cache carries the
 * mark in its own row, so the study list can show and filter it and reports can refuse to name
 * anyone for it. Before this version the mark lived in a JSON file beside the cache
 * (deid-projects/deidentified-studies.json); its entries are carried over here.
 */
export const deidentifiedStudiesMigration: Migration = {
  version: 7,
  description: 'mark studies de-identified by Radstation (when, project, options)',
  up: (db) => {
    db.exec(`
      ALTER TABLE studies ADD COLUMN deidentified_at TEXT;
      ALTER TABLE studies ADD COLUMN deidentified_project TEXT;
      ALTER TABLE studies ADD COLUMN deidentified_options TEXT NOT NULL DEFAULT '';
      CREATE INDEX studies_deidentified ON studies(deidentified_at) WHERE deidentified_at IS NOT NULL;
    `);
    if (!db.name || db.name === ':memory:') return;
    const legacy = path.join(path.dirname(db.name), 'deid-projects', 'deidentified-studies.json');
    let entries: Record<string, { project?: unknown; options?: unknown; at?: unknown }>;
    try {
      entries = JSON.parse(fs.readFileSync(legacy, 'utf8')) as typeof entries;
    } catch {
      return; // none, or unreadable: there is nothing to carry over
    }
    const mark = db.prepare('UPDATE studies SET deidentified_at = ?, deidentified_project = ?, deidentified_options = ? WHERE study_instance_uid = ?');
    for (const [uid, entry] of Object.entries(entries ?? {})) {
      if (!entry || typeof entry !== 'object') continue;
      const options = Array.isArray(entry.options) ? entry.options.filter((option): option is string => typeof option === 'string') : [];
      mark.run(typeof entry.at === 'string' ? entry.at : new Date().toISOString(), typeof entry.project === 'string' ? entry.project : 'default', options.join(','), uid);
    }
  },
};
