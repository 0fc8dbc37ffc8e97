import type Database from 'better-sqlite3';
import { importConflictsMigration } from './migration-2-import-conflicts';
import { thumbnailStalenessMigration } from './migration-3-thumbnail-staleness';
import { reportDraftsMigration } from './migration-6-report-drafts';
import { deidentifiedStudiesMigration } from './migration-7-deidentified-studies';
import { studyListIndexesMigration } from './migration-8-study-list-indexes';
import { studySearchKeysMigration } from './migration-9-study-search-keys';

/**
 * Each migration moves the schema from version N-1 to N inside one transaction.
 * Never edit a released migration: add the next one, so every older cache upgrades.
 * Every migration lives in this folder, numbered without gaps but one: version 5 was never
 * released (the report drafts, developed beside another change that was dropped, shipped as 6),
 * and renumbering 6 would make caches already at 6 look newer than this code. See
 * `skippedVersions`; a test holds the numbering to it.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: (db: Database.Database) => void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'patients, studies, series, instances and the study search index',
    up: (db) => {
      db.exec(`
        CREATE TABLE patients (
          id INTEGER PRIMARY KEY,
          patient_id TEXT NOT NULL,
          patient_name TEXT NOT NULL DEFAULT '',
          birth_date TEXT NOT NULL DEFAULT '',
          sex TEXT NOT NULL DEFAULT '',
          UNIQUE (patient_id, patient_name, birth_date)
        );
        CREATE TABLE studies (
          study_instance_uid TEXT PRIMARY KEY,
          patient_ref INTEGER NOT NULL REFERENCES patients(id),
          study_date TEXT NOT NULL DEFAULT '',
          study_time TEXT NOT NULL DEFAULT '',
          accession_number TEXT NOT NULL DEFAULT '',
          study_id TEXT NOT NULL DEFAULT '',
          study_description TEXT NOT NULL DEFAULT '',
          referring_physician_name TEXT NOT NULL DEFAULT '',
          imported_at TEXT NOT NULL
        );
        CREATE INDEX studies_by_date ON studies(study_date);
        CREATE TABLE series (
          series_instance_uid TEXT PRIMARY KEY,
          study_instance_uid TEXT NOT NULL REFERENCES studies(study_instance_uid) ON DELETE CASCADE,
          modality TEXT NOT NULL DEFAULT '',
          series_number INTEGER,
          series_description TEXT NOT NULL DEFAULT '',
          body_part_examined TEXT NOT NULL DEFAULT '',
          series_date TEXT NOT NULL DEFAULT '',
          series_time TEXT NOT NULL DEFAULT '',
          is_derived INTEGER NOT NULL DEFAULT 0,
          thumbnail BLOB
        );
        CREATE INDEX series_by_study ON series(study_instance_uid);
        CREATE INDEX series_by_modality ON series(modality);
        CREATE TABLE instances (
          sop_instance_uid TEXT PRIMARY KEY,
          series_instance_uid TEXT NOT NULL REFERENCES series(series_instance_uid) ON DELETE CASCADE,
          sop_class_uid TEXT NOT NULL DEFAULT '',
          instance_number INTEGER,
          rows INTEGER,
          columns INTEGER,
          number_of_frames INTEGER NOT NULL DEFAULT 1,
          bits_allocated INTEGER,
          bits_stored INTEGER,
          pixel_representation INTEGER,
          samples_per_pixel INTEGER,
          photometric_interpretation TEXT NOT NULL DEFAULT '',
          transfer_syntax_uid TEXT NOT NULL DEFAULT '',
          image_orientation_patient TEXT,
          image_position_patient TEXT,
          pixel_spacing TEXT,
          slice_thickness REAL,
          spacing_between_slices REAL,
          slice_location REAL,
          window_center TEXT,
          window_width TEXT,
          rescale_slope REAL,
          rescale_intercept REAL,
          file_path TEXT NOT NULL,
          storage_mode TEXT NOT NULL CHECK (storage_mode IN ('copy', 'link')),
          file_size INTEGER NOT NULL,
          sha256 TEXT NOT NULL,
          imported_at TEXT NOT NULL
        );
        CREATE INDEX instances_by_series ON instances(series_instance_uid);
        CREATE VIRTUAL TABLE study_search USING fts5(
          study_instance_uid UNINDEXED,
          patient_name, patient_id, accession_number, study_description, series_descriptions, referring_physician_name,
          tokenize = 'unicode61 remove_diacritics 2'
        );
      `);
    },
  },
  importConflictsMigration,
  thumbnailStalenessMigration,
  {
    version: 4,
    description: 'measurements drawn in the viewer, per study',
    up: (db) => {
      db.exec(`
        CREATE TABLE measurements (
          annotation_uid TEXT PRIMARY KEY,
          study_instance_uid TEXT NOT NULL REFERENCES studies(study_instance_uid) ON DELETE CASCADE,
          series_instance_uid TEXT NOT NULL,
          sop_instance_uid TEXT,
          tool_name TEXT NOT NULL,
          label TEXT NOT NULL DEFAULT '',
          annotation_json TEXT NOT NULL,
          created_order INTEGER NOT NULL,
          saved_at TEXT NOT NULL
        );
        CREATE INDEX measurements_by_study ON measurements(study_instance_uid, created_order);
      `);
    },
  },
  reportDraftsMigration,
  deidentifiedStudiesMigration,
  studyListIndexesMigration,
  studySearchKeysMigration,
];

/** Versions that were never released, each with the reason; no other gap is allowed. */
export const skippedVersions: ReadonlyMap<number, string> = new Map([[5, 'never released: the report drafts shipped as version 6']]);

export const latestSchemaVersion = migrations[migrations.length - 1]?.version ?? 0;

/** Applies every migration newer than the file's user_version, each atomically. */
export function migrate(db: Database.Database, target: number = latestSchemaVersion): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latestSchemaVersion) {
    throw new Error(
      `The study cache was written by a newer Radstation (schema ${current}; this version knows up to ${latestSchemaVersion}). Update Radstation, or point --cache at another folder.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
