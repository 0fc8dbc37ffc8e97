import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFileName } from '../../src-main/studies/cache/database';
import { extractInstance, type InstanceRecord } from '../../src-main/studies/import/extract-instance';
import { readDicomFile } from '../../src-main/dicom/read-file';
import { runImport } from '../../src-main/studies/import/run-import';
import { pydicomUnavailable, readWithPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const skipReason = pydicomUnavailable();
if (skipReason) console.warn(`import-fields skipped: ${skipReason}`);

interface PydicomFields {
  sop: string | null;
  modality: string;
  patientId: string;
  studyDate: string;
  seriesNumber: number | null;
  instanceNumber: number | null;
  rows: number | null;
  columns: number | null;
  frames: number;
  bitsAllocated: number | null;
  bitsStored: number | null;
  pixelRepresentation: number | null;
  samplesPerPixel: number | null;
  photometric: string;
  transferSyntax: string | null;
  pixelSpacing: number[] | null;
  position: number[] | null;
  orientation: number[] | null;
  sliceThickness: number[] | null;
  windowCenter: number[] | null;
  windowWidth: number[] | null;
  rescaleSlope: number[] | null;
  rescaleIntercept: number[] | null;
}

const toNumbers = (value: string | null) => (value === null ? null : value.split('\\').map(Number));
const one = (value: number | null) => (value === null ? null : [value]);

/** What we extracted, in the shape of the independent reading. */
function comparable(record: InstanceRecord) {
  const i = record.instance;
  return {
    sop: i.sopInstanceUid,
    modality: record.series.modality,
    patientId: record.patient.patientId,
    studyDate: record.study.studyDate,
    seriesNumber: record.series.seriesNumber,
    instanceNumber: i.instanceNumber,
    rows: i.rows,
    columns: i.columns,
    frames: i.numberOfFrames,
    bitsAllocated: i.bitsAllocated,
    bitsStored: i.bitsStored,
    pixelRepresentation: i.pixelRepresentation,
    samplesPerPixel: i.samplesPerPixel,
    photometric: i.photometricInterpretation,
    pixelSpacing: toNumbers(i.pixelSpacing),
    position: toNumbers(i.imagePositionPatient),
    orientation: toNumbers(i.imageOrientationPatient),
    sliceThickness: one(i.sliceThickness),
    windowCenter: toNumbers(i.windowCenter),
    windowWidth: toNumbers(i.windowWidth),
    rescaleSlope: one(i.rescaleSlope),
    rescaleIntercept: one(i.rescaleIntercept),
  };
}

describe.skipIf(skipReason !== undefined)('header fields, against pydicom', () => {
  it('extracts the stored fields of every conformance file as pydicom reads them (top-level attributes)', () => {
    const corpus = sharedDataPath('dicom', 'conformance');
    const expected = readWithPydicom<Record<string, PydicomFields | null>>('fields', [corpus]);
    let compared = 0;
    for (const [file, independent] of Object.entries(expected)) {
      if (!independent?.sop) continue;
      let record: InstanceRecord;
      try {
        record = extractInstance(readDicomFile(fs.readFileSync(file)));
      } catch {
        continue; // reported files are covered by import-conformance
      }
      const ours = comparable(record);
      const { transferSyntax, ...theirs } = independent;
      // Enhanced multi-frame files keep geometry in functional groups, which we read as a fallback and pydicom does not surface at top level.
      for (const key of ['pixelSpacing', 'position', 'orientation', 'sliceThickness', 'windowCenter', 'windowWidth', 'rescaleSlope', 'rescaleIntercept'] as const) {
        if (theirs[key] === null) ours[key] = null;
      }
      expect(ours, path.relative(corpus, file)).toEqual(theirs);
      if (transferSyntax) expect(record.instance.transferSyntaxUid, file).toBe(transferSyntax);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(250);
  });
});

describe.skipIf(skipReason !== undefined)('fields written to the cache', () => {
  const temp = makeTempDir();
  let db: Database.Database;
  const series = () => sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
  beforeAll(async () => {
    await runImport({ importId: 'fields', cacheDir: temp.dir, paths: [series()], mode: 'copy' });
    db = new Database(path.join(temp.dir, databaseFileName), { readonly: true });
  });
  afterAll(() => {
    db?.close();
    temp.cleanup();
  });

  it('stores what pydicom reads for each slice of a real CT series', () => {
    const expected = readWithPydicom<Record<string, PydicomFields | null>>('fields', [series()]);
    const row = db.prepare(
      `SELECT i.rows, i.columns, i.number_of_frames, i.bits_allocated, i.bits_stored, i.pixel_representation, i.photometric_interpretation,
              i.transfer_syntax_uid, i.image_position_patient, i.image_orientation_patient, i.pixel_spacing, i.slice_thickness,
              i.window_center, i.window_width, i.rescale_slope, i.rescale_intercept, i.instance_number, s.modality, s.series_number
         FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid WHERE i.sop_instance_uid = ?`,
    );
    for (const independent of Object.values(expected)) {
      const stored = row.get(independent!.sop) as Record<string, string | number | null>;
      expect(stored).toEqual({
        rows: independent!.rows,
        columns: independent!.columns,
        number_of_frames: independent!.frames,
        bits_allocated: independent!.bitsAllocated,
        bits_stored: independent!.bitsStored,
        pixel_representation: independent!.pixelRepresentation,
        photometric_interpretation: independent!.photometric,
        transfer_syntax_uid: independent!.transferSyntax,
        image_position_patient: expect.any(String),
        image_orientation_patient: expect.any(String),
        pixel_spacing: expect.any(String),
        slice_thickness: independent!.sliceThickness?.[0] ?? null,
        window_center: expect.any(String),
        window_width: expect.any(String),
        rescale_slope: independent!.rescaleSlope?.[0] ?? null,
        rescale_intercept: independent!.rescaleIntercept?.[0] ?? null,
        instance_number: independent!.instanceNumber,
        modality: independent!.modality,
        series_number: independent!.seriesNumber,
      });
      expect(toNumbers(stored.image_position_patient as string)).toEqual(independent!.position);
      expect(toNumbers(stored.image_orientation_patient as string)).toEqual(independent!.orientation);
      expect(toNumbers(stored.pixel_spacing as string)).toEqual(independent!.pixelSpacing);
      expect(toNumbers(stored.window_center as string)).toEqual(independent!.windowCenter);
      expect(toNumbers(stored.window_width as string)).toEqual(independent!.windowWidth);
    }
    expect(Object.keys(expected)).toHaveLength(28);
  });
});
