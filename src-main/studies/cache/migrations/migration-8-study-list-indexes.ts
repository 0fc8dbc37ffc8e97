import type { Migration } from '.';

/**
 * Version 8 (a busy clinic's cache, 100,000 studies): indexes for the study list's usual searches,
 * so a page of 500 is read in index order and stops, instead of sorting every study.
 * - Date, newest first and oldest first: each direction's own index, on the very expressions the
 *   list orders by (undated studies last either way, then date and time, then UID). One index
 *   cannot serve both, since undated studies go last in both directions.
 * - Patient name: patients by name, and each patient's studies.
 * - Modality: a series by its study and modality. With only the index on modality, SQLite
 *   checked "has a series of this modality" by reading every series of that modality for each
 *   study, which took 50 s for 20,000 studies. It also serves every lookup by study alone, so the
 *   index on study_instance_uid goes.
 */
export const studyListIndexesMigration: Migration = {
  version: 8,
  description: 'indexes for the study list: by date either way, by patient name, by study and modality',
  up: (db) => {
    db.exec(`
      CREATE INDEX studies_listed_newest ON studies(study_date <> '', study_date || study_time, study_instance_uid);
      CREATE INDEX studies_listed_oldest ON studies(study_date = '', study_date || study_time, study_instance_uid);
      CREATE INDEX patients_by_name ON patients(patient_name);
      CREATE INDEX studies_by_patient ON studies(patient_ref);
      CREATE INDEX series_by_study_modality ON series(study_instance_uid, modality);
      DROP INDEX series_by_study;
    `);
  },
};
