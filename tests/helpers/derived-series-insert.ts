import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import dicomParser from 'dicom-parser';

/**
 * For inference tests that run the inference service on its own, without the import
 * service: adds a finished derived series to the cache with a minimal insert (its series
 * and instance rows, under the study it was derived from). The app itself imports
 * derived series through the import service (see services.ts).
 */
/** Returns the study the series was added to, so listeners can refresh it. */
export function insertDerivedSeries(db: Database.Database, files: string[]): string | undefined {
  const now = new Date().toISOString();
  const parsed = files.map((filePath) => {
    const bytes = fs.readFileSync(filePath);
    const dataSet = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
    return { filePath, bytes, dataSet };
  });
  const first = parsed[0];
  if (!first) return undefined;
  const text = (dataSet: dicomParser.DataSet, tag: string): string => dataSet.string(tag) ?? '';
  const studyUid = text(first.dataSet, 'x0020000d');
  const study = db.prepare('SELECT 1 FROM studies WHERE study_instance_uid = ?').get(studyUid);
  if (!study) throw new Error(`the derived series belongs to study ${studyUid}, which is not in the cache`);
  const insertSeries = db.prepare(
    `INSERT INTO series (series_instance_uid, study_instance_uid, modality, series_number, series_description, series_date, series_time, is_derived)
     VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const insertInstance = db.prepare(
    `INSERT INTO instances (sop_instance_uid, series_instance_uid, sop_class_uid, instance_number, rows, columns, number_of_frames,
       bits_allocated, bits_stored, pixel_representation, samples_per_pixel, photometric_interpretation, transfer_syntax_uid,
       image_orientation_patient, image_position_patient, pixel_spacing, slice_thickness, window_center, window_width,
       rescale_slope, rescale_intercept, file_path, storage_mode, file_size, sha256, imported_at)
     VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'copy', ?, ?, ?)`,
  );
  const seriesUid = text(first.dataSet, 'x0020000e');
  db.transaction(() => {
    insertSeries.run(
      seriesUid,
      studyUid,
      text(first.dataSet, 'x00080060'),
      first.dataSet.intString('x00200011') ?? null,
      text(first.dataSet, 'x0008103e'),
      text(first.dataSet, 'x00080021'),
      text(first.dataSet, 'x00080031'),
    );
    for (const { filePath, bytes, dataSet } of parsed) {
      const orNull = (tag: string): string | null => dataSet.string(tag) ?? null;
      insertInstance.run(
        text(dataSet, 'x00080018'),
        seriesUid,
        text(dataSet, 'x00080016'),
        dataSet.intString('x00200013') ?? null,
        dataSet.uint16('x00280010') ?? null,
        dataSet.uint16('x00280011') ?? null,
        dataSet.uint16('x00280100') ?? null,
        dataSet.uint16('x00280101') ?? null,
        dataSet.uint16('x00280103') ?? null,
        dataSet.uint16('x00280002') ?? null,
        text(dataSet, 'x00280004'),
        text(dataSet, 'x00020010'),
        orNull('x00200037'),
        orNull('x00200032'),
        orNull('x00280030'),
        dataSet.floatString('x00180050') ?? null,
        orNull('x00281050'),
        orNull('x00281051'),
        dataSet.floatString('x00281053') ?? null,
        dataSet.floatString('x00281052') ?? null,
        filePath,
        bytes.byteLength,
        createHash('sha256').update(bytes).digest('hex'),
        now,
      );
    }
  })();
  return studyUid;
}
