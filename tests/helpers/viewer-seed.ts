import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { dicomUidSchema } from '../../src-shared/domain/studies';
import { openCacheDatabase } from '../../src-main/studies/cache/database';

/**
 * Puts real DICOM files into a cache by writing rows of the v1 schema directly, as
 * "link" entries pointing at the files in place. It stands in for the import pipeline
 * (built on another branch) so the viewer's tests do not depend on it.
 */
export interface SeededInstance {
  file: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

function text(ds: dicomParser.DataSet, tag: string): string {
  return (ds.string(tag) ?? '').trim();
}

function int(ds: dicomParser.DataSet, tag: string): number | null {
  const value = ds.intString(tag);
  return value === undefined || Number.isNaN(value) ? null : value;
}

function us(ds: dicomParser.DataSet, tag: string): number | null {
  return ds.elements[tag] ? (ds.uint16(tag) ?? null) : null;
}

function float(ds: dicomParser.DataSet, tag: string): number | null {
  const value = ds.floatString(tag);
  return value === undefined || Number.isNaN(value) ? null : value;
}

function nullable(ds: dicomParser.DataSet, tag: string): string | null {
  const value = text(ds, tag);
  return value === '' ? null : value;
}

/** A valid, repeatable UID under the 2.25 root, for test seeding only. */
function testUid(kind: string, from: string): string {
  const digest = crypto.createHash('sha256').update(`${kind}:${from}`).digest('hex').slice(0, 30);
  return `2.25.${BigInt(`0x${digest}`).toString()}`;
}

export function seedCache(cacheDir: string, files: readonly string[]): SeededInstance[] {
  const db = openCacheDatabase(cacheDir);
  const now = new Date().toISOString();
  const seeded: SeededInstance[] = [];
  const insert = db.transaction((file: string) => {
    const bytes = fs.readFileSync(file);
    // The Buffer itself: dicom-parser inflates a deflated data set only from a Node Buffer.
    const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
    const sopUid = text(ds, 'x00080018');
    // Some conformance files (the HTJ2K samples) carry no study or series UID. The import
    // refuses them; the decode tests only need their pixels, so they get UIDs made from
    // the SOP Instance UID here, valid so the cache's calls (delete, files) accept them.
    const studyUid = text(ds, 'x0020000d') || testUid('study', sopUid);
    const seriesUid = text(ds, 'x0020000e') || testUid('series', sopUid);
    for (const uid of [studyUid, seriesUid, sopUid]) {
      if (!dicomUidSchema.safeParse(uid).success) throw new Error(`${file}: ${JSON.stringify(uid)} is not a valid DICOM UID`);
    }
    db.prepare('INSERT OR IGNORE INTO patients (patient_id, patient_name, birth_date, sex) VALUES (?, ?, ?, ?)').run(
      text(ds, 'x00100020'),
      text(ds, 'x00100010'),
      text(ds, 'x00100030'),
      text(ds, 'x00100040'),
    );
    const patient = db
      .prepare('SELECT id FROM patients WHERE patient_id = ? AND patient_name = ? AND birth_date = ?')
      .get(text(ds, 'x00100020'), text(ds, 'x00100010'), text(ds, 'x00100030')) as { id: number };
    db.prepare(
      `INSERT OR IGNORE INTO studies (study_instance_uid, patient_ref, study_date, study_time, accession_number, study_id, study_description, referring_physician_name, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(studyUid, patient.id, text(ds, 'x00080020'), text(ds, 'x00080030'), text(ds, 'x00080050'), text(ds, 'x00200010'), text(ds, 'x00081030'), text(ds, 'x00080090'), now);
    db.prepare(
      `INSERT OR IGNORE INTO series (series_instance_uid, study_instance_uid, modality, series_number, series_description, series_date, series_time)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(seriesUid, studyUid, text(ds, 'x00080060'), int(ds, 'x00200011'), text(ds, 'x0008103e'), text(ds, 'x00080021'), text(ds, 'x00080031'));
    db.prepare(
      `INSERT OR REPLACE INTO instances (sop_instance_uid, series_instance_uid, sop_class_uid, instance_number, rows, columns, number_of_frames,
         bits_allocated, bits_stored, pixel_representation, samples_per_pixel, photometric_interpretation, transfer_syntax_uid,
         image_orientation_patient, image_position_patient, pixel_spacing, slice_thickness, slice_location, window_center, window_width,
         rescale_slope, rescale_intercept, file_path, storage_mode, file_size, sha256, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'link', ?, ?, ?)`,
    ).run(
      sopUid,
      seriesUid,
      text(ds, 'x00080016'),
      int(ds, 'x00200013'),
      us(ds, 'x00280010'),
      us(ds, 'x00280011'),
      int(ds, 'x00280008') ?? 1,
      us(ds, 'x00280100'),
      us(ds, 'x00280101'),
      us(ds, 'x00280103'),
      us(ds, 'x00280002'),
      text(ds, 'x00280004'),
      text(ds, 'x00020010'),
      nullable(ds, 'x00200037'),
      nullable(ds, 'x00200032'),
      nullable(ds, 'x00280030'),
      float(ds, 'x00180050'),
      float(ds, 'x00201041'),
      nullable(ds, 'x00281050'),
      nullable(ds, 'x00281051'),
      float(ds, 'x00281053'),
      float(ds, 'x00281052'),
      path.resolve(file),
      bytes.byteLength,
      crypto.createHash('sha256').update(bytes).digest('hex'),
      now,
    );
    db.exec(`DELETE FROM study_search WHERE study_instance_uid = '${studyUid}'`);
    const searchRow = db.prepare('INSERT INTO study_search (study_instance_uid, patient_name, patient_id, accession_number, study_description, series_descriptions, referring_physician_name) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      studyUid,
      text(ds, 'x00100010'),
      text(ds, 'x00100020'),
      text(ds, 'x00080050'),
      text(ds, 'x00081030'),
      text(ds, 'x0008103e'),
      text(ds, 'x00080090'),
    );
    // As the import does since cache version 9: the study holds its search row's key.
    db.prepare('UPDATE studies SET search_rowid = ? WHERE study_instance_uid = ?').run(searchRow.lastInsertRowid, studyUid);
    seeded.push({ file, studyInstanceUid: studyUid, seriesInstanceUid: seriesUid, sopInstanceUid: sopUid });
  });
  for (const file of files) insert(file);
  db.close();
  return seeded;
}

/** The .dcm files of a folder, sorted by name. */
export function dicomFilesIn(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => path.join(dir, name))
    .filter((file) => fs.statSync(file).isFile());
}
