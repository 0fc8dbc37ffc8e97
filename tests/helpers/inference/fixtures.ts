import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dicomParser from 'dicom-parser';
import { openCacheDatabase } from '../../../src-main/studies/cache/database';

const here = path.dirname(fileURLToPath(import.meta.url));
export const python = '/usr/bin/python3';

export interface UpsampleModel {
  kernel: [[number, number], [number, number]];
  bias: number;
  /** The fixed-scale normalisation factor the manifest declares. */
  scale: number;
}

/** Why the Python-built fixtures cannot be made here, or undefined when they can. */
export function pythonFixtureProblem(): string | undefined {
  const probe = spawnSync(python, ['-c', 'import onnx, numpy, pydicom'], { encoding: 'utf8' });
  if (probe.error) return `${python} is not available (${probe.error.message})`;
  if (probe.status !== 0) return `${python} lacks onnx, numpy or pydicom: ${probe.stderr.trim().split('\n').pop()}`;
  return undefined;
}

/** Builds the ×2 ConvTranspose test bundle with onnx's helper (see make_upsample_bundle.py). */
export function makeUpsampleBundle(dir: string): UpsampleModel {
  const result = spawnSync(python, [path.join(here, 'make_upsample_bundle.py'), dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`make_upsample_bundle.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as UpsampleModel;
}

export function parseDicomFile(filePath: string): dicomParser.DataSet {
  const bytes = fs.readFileSync(filePath);
  return dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Signed or unsigned 16-bit stored values of a single-frame little-endian file. */
export function storedPixels(dataSet: dicomParser.DataSet): Int16Array | Uint16Array {
  const element = dataSet.elements.x7fe00010!;
  const count = element.length / 2;
  const bytes = dataSet.byteArray;
  const copy = new Uint8Array(bytes.buffer.slice(bytes.byteOffset + element.dataOffset, bytes.byteOffset + element.dataOffset + element.length));
  return dataSet.uint16('x00280103') === 1 ? new Int16Array(copy.buffer, 0, count) : new Uint16Array(copy.buffer, 0, count);
}

/**
 * The expected ×2 output in modality units, computed here in float64 from the source's
 * stored values: out[2i+a, 2j+b] = ((v·slope + intercept)·s·k[a][b] + bias) / s.
 */
export function expectedUpsample(source: dicomParser.DataSet, model: UpsampleModel): { rows: number; columns: number; values: Float64Array } {
  const rows = source.uint16('x00280010')!;
  const columns = source.uint16('x00280011')!;
  const slope = source.floatString('x00281053') ?? 1;
  const intercept = source.floatString('x00281052') ?? 0;
  const stored = storedPixels(source);
  const values = new Float64Array(rows * 2 * columns * 2);
  for (let i = 0; i < rows; i += 1) {
    for (let j = 0; j < columns; j += 1) {
      const hu = stored[i * columns + j]! * slope + intercept;
      for (let a = 0; a < 2; a += 1) {
        for (let b = 0; b < 2; b += 1) values[(2 * i + a) * columns * 2 + 2 * j + b] = (hu * model.scale * model.kernel[a]![b]! + model.bias) / model.scale;
      }
    }
  }
  return { rows: rows * 2, columns: columns * 2, values };
}

/**
 * Puts real DICOM files into a fresh study cache with a minimal insert of their
 * patient, study, series and instance rows: the import service lives on another
 * branch, and these tests must not depend on it.
 */
export function seedCache(cacheDir: string, files: string[]): { seriesInstanceUid: string; studyInstanceUid: string; sopInstanceUids: string[] } {
  const db = openCacheDatabase(cacheDir);
  const now = new Date().toISOString();
  const sopInstanceUids: string[] = [];
  let seriesInstanceUid = '';
  let studyInstanceUid = '';
  db.transaction(() => {
    for (const file of files) {
      const ds = parseDicomFile(file);
      const s = (tag: string): string => ds.string(tag) ?? '';
      studyInstanceUid = s('x0020000d');
      seriesInstanceUid = s('x0020000e');
      db.prepare('INSERT OR IGNORE INTO patients (patient_id, patient_name, birth_date, sex) VALUES (?, ?, ?, ?)').run(s('x00100020'), s('x00100010'), s('x00100030'), s('x00100040'));
      const patient = db.prepare('SELECT id FROM patients WHERE patient_id = ? AND patient_name = ? AND birth_date = ?').get(s('x00100020'), s('x00100010'), s('x00100030')) as { id: number };
      db.prepare('INSERT OR IGNORE INTO studies (study_instance_uid, patient_ref, study_date, imported_at) VALUES (?, ?, ?, ?)').run(studyInstanceUid, patient.id, s('x00080020'), now);
      db.prepare('INSERT OR IGNORE INTO series (series_instance_uid, study_instance_uid, modality, series_number) VALUES (?, ?, ?, ?)').run(seriesInstanceUid, studyInstanceUid, s('x00080060'), ds.intString('x00200011') ?? null);
      db.prepare(
        `INSERT INTO instances (sop_instance_uid, series_instance_uid, instance_number, image_orientation_patient, image_position_patient,
           file_path, storage_mode, file_size, sha256, imported_at) VALUES (?, ?, ?, ?, ?, ?, 'link', ?, '', ?)`,
      ).run(s('x00080018'), seriesInstanceUid, ds.intString('x00200013') ?? null, s('x00200037'), s('x00200032'), file, fs.statSync(file).size, now);
      sopInstanceUids.push(s('x00080018'));
    }
  })();
  db.close();
  return { seriesInstanceUid, studyInstanceUid, sopInstanceUids };
}
