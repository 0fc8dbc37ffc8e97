import type { Migration } from '.';

/**
 * Version 3 (the query side): a cached series thumbnail shows the middle slice, so it
 * goes stale when instances are added to or removed from its series. Triggers clear it
 * then, whoever writes the rows (the import worker, a delete), and studies.thumbnail
 * makes a fresh one on the next request. The `thumbnail IS NOT NULL` guard keeps an
 * import's inserts from rewriting series rows that have no thumbnail anyway.
 */
export const thumbnailStalenessMigration: Migration = {
  version: 3,
  description: 'clear a series thumbnail when its instances change',
  up: (db) => {
    db.exec(`
      CREATE TRIGGER series_thumbnail_stale_on_insert AFTER INSERT ON instances
      BEGIN
        UPDATE series SET thumbnail = NULL WHERE series_instance_uid = NEW.series_instance_uid AND thumbnail IS NOT NULL;
      END;
      CREATE TRIGGER series_thumbnail_stale_on_delete AFTER DELETE ON instances
      BEGIN
        UPDATE series SET thumbnail = NULL WHERE series_instance_uid = OLD.series_instance_uid AND thumbnail IS NOT NULL;
      END;
    `);
  },
};
