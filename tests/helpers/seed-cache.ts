import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import dicomParser from 'dicom-parser';

/**
 * Puts real DICOM files into a cache the way an import would, straight into the v1
 * schema, so the queries can be tested without the import pipeline. Only test code
 * uses this; the tags are read here with dicom-parser, independently of the code
 * under test.
 */
export interface SeedOptions {
  mode: 'copy' | 'link';
  /** Replace values read from the file, e.g. to give two studies different dates. */
  override?: Partial<Record<'studyDate' | 'patientName' | 'patientId' | 'studyDescription' | 'studyInstanceUid' | 'seriesInstanceUid', string>>;
  /** Leave ImagePositionPatient/ImageOrientationPatient out, as for a series without geometry. */
  dropGeometry?: boolean;
  /** Gives the instance a new SOP Instance UID, to store the same file twice as different instances. */
  renameInstance?: (originalUid: string) => string;
}

function text(dataSet: dicomParser.DataSet, tag: string): string {
  return dataSet.string(tag) ?? '';
}

function optionalText(dataSet: dicomParser.DataSet, tag: string): string | null {
  const element = dataSet.elements[tag];
  return element && element.length > 0 ? (dataSet.string(tag) ?? null) : null;
}

export function seedInstance(db: Database.Database, cacheDir: string, file: string, options: SeedOptions): string {
  const bytes = fs.readFileSync(file);
  const dataSet = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  const o = options.override ?? {};
  const studyUid = o.studyInstanceUid ?? text(dataSet, 'x0020000d');
  const seriesUid = o.seriesInstanceUid ?? text(dataSet, 'x0020000e');
  const sopUid = options.renameInstance ? options.renameInstance(text(dataSet, 'x00080018')) : text(dataSet, 'x00080018');
  const now = new Date().toISOString();

  let storedPath = path.resolve(file);
  if (options.mode === 'copy') {
    const relative = path.join('store', sopUid.slice(-4), `${sopUid}.dcm`);
    fs.mkdirSync(path.join(cacheDir, path.dirname(relative)), { recursive: true });
    fs.copyFileSync(file, path.join(cacheDir, relative));
    storedPath = relative;
  }

  const patient = { id: o.patientId ?? text(dataSet, 'x00100020'), name: o.patientName ?? text(dataSet, 'x00100010'), birth: text(dataSet, 'x00100030') };
  db.prepare('INSERT OR IGNORE INTO patients (patient_id, patient_name, birth_date, sex) VALUES (?, ?, ?, ?)').run(patient.id, patient.name, patient.birth, text(dataSet, 'x00100040'));
  const patientRef = (db.prepare('SELECT id FROM patients WHERE patient_id = ? AND patient_name = ? AND birth_date = ?').get(patient.id, patient.name, patient.birth) as { id: number }).id;
  const studyDescription = o.studyDescription ?? text(dataSet, 'x00081030');
  const newStudy = db
    .prepare(
      `INSERT OR IGNORE INTO studies (study_instance_uid, patient_ref, study_date, study_time, accession_number, study_id, study_description, referring_physician_name, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(studyUid, patientRef, o.studyDate ?? text(dataSet, 'x00080020'), text(dataSet, 'x00080030'), text(dataSet, 'x00080050'), text(dataSet, 'x00200010'), studyDescription, text(dataSet, 'x00080090'), now);
  if (newStudy.changes > 0) {
    const searchRow = db.prepare('INSERT INTO study_search (study_instance_uid, patient_name, patient_id, accession_number, study_description, series_descriptions, referring_physician_name) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      studyUid, patient.name, patient.id, text(dataSet, 'x00080050'), studyDescription, text(dataSet, 'x0008103e'), text(dataSet, 'x00080090'),
    );
    // As the import does since cache version 9: the study holds its search row's key.
    db.prepare('UPDATE studies SET search_rowid = ? WHERE study_instance_uid = ?').run(searchRow.lastInsertRowid, studyUid);
  }
  db.prepare(
    `INSERT OR IGNORE INTO series (series_instance_uid, study_instance_uid, modality, series_number, series_description, body_part_examined, series_date, series_time, is_derived)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(seriesUid, studyUid, text(dataSet, 'x00080060'), dataSet.intString('x00200011') ?? null, text(dataSet, 'x0008103e'), text(dataSet, 'x00180015'), text(dataSet, 'x00080021'), text(dataSet, 'x00080031'), text(dataSet, 'x00080008').toUpperCase().startsWith('DERIVED') ? 1 : 0);
  db.prepare(
    `INSERT INTO instances (sop_instance_uid, series_instance_uid, sop_class_uid, instance_number, rows, columns, number_of_frames, bits_allocated, bits_stored,
       pixel_representation, samples_per_pixel, photometric_interpretation, transfer_syntax_uid, image_orientation_patient, image_position_patient, pixel_spacing,
       slice_thickness, window_center, window_width, rescale_slope, rescale_intercept, file_path, storage_mode, file_size, sha256, imported_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    sopUid, seriesUid, text(dataSet, 'x00080016'), dataSet.intString('x00200013') ?? null, dataSet.uint16('x00280010') ?? null, dataSet.uint16('x00280011') ?? null,
    dataSet.intString('x00280008') ?? 1, dataSet.uint16('x00280100') ?? null, dataSet.uint16('x00280101') ?? null, dataSet.uint16('x00280103') ?? null,
    dataSet.uint16('x00280002') ?? null, text(dataSet, 'x00280004'), text(dataSet, 'x00020010'),
    options.dropGeometry ? null : optionalText(dataSet, 'x00200037'), options.dropGeometry ? null : optionalText(dataSet, 'x00200032'), optionalText(dataSet, 'x00280030'),
    dataSet.floatString('x00180050') ?? null, optionalText(dataSet, 'x00281050'), optionalText(dataSet, 'x00281051'),
    dataSet.floatString('x00281053') ?? null, dataSet.floatString('x00281052') ?? null,
    storedPath, options.mode, bytes.length, crypto.createHash('sha256').update(bytes).digest('hex'), now,
  );
  return sopUid;
}

export function seedFiles(db: Database.Database, cacheDir: string, files: string[], options: SeedOptions): string[] {
  return db.transaction(() => files.map((file) => seedInstance(db, cacheDir, file, options)))();
}

export function dicomFilesIn(folder: string): string[] {
  return fs
    .readdirSync(folder)
    .filter((name) => !name.startsWith('.'))
    .map((name) => path.join(folder, name))
    .filter((file) => fs.statSync(file).isFile())
    .sort();
}
