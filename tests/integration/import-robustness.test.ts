import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFileName } from '../../src-main/studies/cache/database';
import { runImport } from '../../src-main/studies/import/run-import';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

const ctSmall = () => sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm');
const mrSmall = () => sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function openDb(cacheDir: string): Database.Database {
  return new Database(path.join(cacheDir, databaseFileName), { readonly: true });
}

function count(cacheDir: string, table: string): number {
  const db = openDb(cacheDir);
  const { n } = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
  db.close();
  return n;
}

describe('corrupt and non-DICOM inputs', () => {
  it('reports each bad file once with a clear reason, and imports the rest of the batch', async () => {
    const folder = path.join(temp.dir, 'mixed');
    fs.mkdirSync(folder);
    const good = fs.readFileSync(ctSmall());
    fs.copyFileSync(ctSmall(), path.join(folder, 'good-ct.dcm'));
    fs.copyFileSync(mrSmall(), path.join(folder, 'good-mr.dcm'));
    // Cut inside the header (before pixel data): the data set itself is incomplete.
    fs.writeFileSync(path.join(folder, 'truncated-header.dcm'), good.subarray(0, 700));
    // Cut inside the pixel data: the header parses but the frames are not all there.
    fs.writeFileSync(path.join(folder, 'truncated-pixels.dcm'), good.subarray(0, good.length - 1000));
    fs.writeFileSync(path.join(folder, 'garbage.dcm'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 251)));
    fs.writeFileSync(path.join(folder, 'empty.dcm'), Buffer.alloc(0));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'Referral letter, not an image.\n');
    // A DICM marker followed by nonsense.
    const fakeMarker = Buffer.alloc(400, 0xff);
    fakeMarker.write('DICM', 128, 'latin1');
    fs.writeFileSync(path.join(folder, 'fake-marker.dcm'), fakeMarker);
    const missing = path.join(temp.dir, 'no-such-folder');

    const cacheDir = path.join(temp.dir, 'mixed-cache');
    const finished = await runImport({ importId: 'mixed', cacheDir, paths: [folder, missing], mode: 'copy' });
    expect(finished.status).toBe('completed');
    expect(finished.report.instances).toBe(2);
    expect(finished.report.files).toBe(9);
    const reasons = Object.fromEntries(finished.report.failed.map((failure) => [path.basename(failure.path), failure.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['empty.dcm', 'fake-marker.dcm', 'garbage.dcm', 'no-such-folder', 'notes.txt', 'truncated-header.dcm', 'truncated-pixels.dcm']);
    expect(finished.report.failed).toHaveLength(7);
    expect(reasons['empty.dcm']).toMatch(/empty/);
    expect(reasons['notes.txt']).toMatch(/not a DICOM file/);
    expect(reasons['garbage.dcm']).toMatch(/not a DICOM file/);
    expect(reasons['truncated-header.dcm']).toMatch(/truncated|corrupt|missing/);
    expect(reasons['truncated-pixels.dcm']).toMatch(/truncated/);
    expect(reasons['no-such-folder']).toMatch(/no such file/);
    expect(count(cacheDir, 'instances')).toBe(2);
    const db = openDb(cacheDir);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});

describe('re-import and conflicts', () => {
  const cacheDir = path.join(temp.dir, 'idempotent-cache');

  it('imports a file once; the same file again is a duplicate and changes nothing', async () => {
    const first = await runImport({ importId: 'a', cacheDir, paths: [ctSmall()], mode: 'copy' });
    expect(first.report).toMatchObject({ files: 1, instances: 1, studies: 1, series: 1, duplicates: 0, failed: [] });
    const before = fs.readdirSync(path.join(cacheDir, 'store'), { recursive: true }).length;
    const again = await runImport({ importId: 'b', cacheDir, paths: [ctSmall(), ctSmall()], mode: 'copy' });
    expect(again.report).toMatchObject({ files: 1, instances: 0, studies: 0, series: 0, duplicates: 1, conflicts: [], failed: [] });
    expect(count(cacheDir, 'instances')).toBe(1);
    expect(fs.readdirSync(path.join(cacheDir, 'store'), { recursive: true }).length).toBe(before);
  });

  it('sets aside a file with the same SOP Instance UID but other content, keeping the cached one', async () => {
    const original = fs.readFileSync(ctSmall());
    const modified = Buffer.from(original);
    // Change the patient's name in place (same length), so only the content differs, not the UID.
    const at = modified.indexOf(Buffer.from('CompressedSamples^CT1', 'latin1'));
    expect(at).toBeGreaterThan(0);
    modified.write('ChangedSamples^CT1XX', at, 'latin1');
    const modifiedPath = path.join(temp.dir, 'modified-ct.dcm');
    fs.writeFileSync(modifiedPath, modified);

    const result = await runImport({ importId: 'c', cacheDir, paths: [modifiedPath], mode: 'copy' });
    expect(result.report.instances).toBe(0);
    expect(result.report.conflicts).toHaveLength(1);
    expect(result.report.conflicts[0]).toMatchObject({ path: modifiedPath });

    const db = openDb(cacheDir);
    const cached = db.prepare('SELECT sop_instance_uid, sha256, file_path FROM instances').all() as { sop_instance_uid: string; sha256: string; file_path: string }[];
    expect(cached).toHaveLength(1);
    expect(result.report.conflicts[0]!.sopInstanceUid).toBe(cached[0]!.sop_instance_uid);
    expect(cached[0]!.sha256).toBe(sha256(original));
    expect(sha256(fs.readFileSync(cached[0]!.file_path))).toBe(sha256(original));
    const conflict = db.prepare('SELECT kept_path, sha256, cached_sha256 FROM import_conflicts').get() as { kept_path: string; sha256: string; cached_sha256: string };
    db.close();
    expect(conflict.sha256).toBe(sha256(modified));
    expect(conflict.cached_sha256).toBe(sha256(original));
    expect(sha256(fs.readFileSync(conflict.kept_path))).toBe(sha256(modified));
  });
});

describe('link mode', () => {
  it('references files in place, with their size and checksum, and a vanished file is detectable', async () => {
    const { isInstanceFileMissing, findMissingInstanceFiles } = await import('../../src-main/studies/store/missing-files');
    const folder = path.join(temp.dir, 'linked');
    fs.mkdirSync(folder);
    const linked = path.join(folder, 'mr.dcm');
    fs.copyFileSync(mrSmall(), linked);
    const cacheDir = path.join(temp.dir, 'linked-cache');
    const result = await runImport({ importId: 'l', cacheDir, paths: [folder], mode: 'link' });
    expect(result.report.instances).toBe(1);
    const db = new Database(path.join(cacheDir, databaseFileName));
    const row = db.prepare('SELECT sop_instance_uid, file_path, storage_mode, file_size, sha256 FROM instances').get() as Record<string, string | number>;
    expect(row).toMatchObject({ file_path: linked, storage_mode: 'link', file_size: fs.statSync(linked).size, sha256: sha256(fs.readFileSync(linked)) });
    expect(fs.existsSync(path.join(cacheDir, 'store'))).toBe(false);
    expect(isInstanceFileMissing(db, String(row.sop_instance_uid))).toBe(false);
    fs.rmSync(linked);
    expect(isInstanceFileMissing(db, String(row.sop_instance_uid))).toBe(true);
    expect(findMissingInstanceFiles(db).map((missing) => missing.sopInstanceUid)).toEqual([row.sop_instance_uid]);
    db.close();
  });
});

describe('zip archives', () => {
  const python = '/usr/bin/python3';
  const canZip = fs.existsSync(python);
  if (!canZip) console.warn('zip archive test skipped: /usr/bin/python3 (used to write the test archive) is missing');

  it.skipIf(!canZip)('imports the DICOM entries and refuses unsafe names and zip bombs, each with a reason', async () => {
    const zipPath = path.join(temp.dir, 'studies.zip');
    // Python's zipfile writes the archive, including entries no honest tool would make.
    const script = `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
z.write(sys.argv[2], 'case/ct.dcm')
z.write(sys.argv[3], 'case/sub/mr.dcm')
z.writestr('../escape.dcm', open(sys.argv[2], 'rb').read())
z.writestr('bomb.dcm', b'\\0' * (64 * 1024 * 1024))
z.writestr('readme.txt', 'not dicom')
z.close()`;
    const made = spawnSync(python, ['-c', script, zipPath, ctSmall(), mrSmall()], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const cacheDir = path.join(temp.dir, 'zip-cache');
    const result = await runImport({ importId: 'z', cacheDir, paths: [zipPath], mode: 'link' });
    expect(result.status).toBe('completed');
    expect(result.report.instances).toBe(2);
    expect(result.report.files).toBe(5);
    const reasons = Object.fromEntries(result.report.failed.map((failure) => [failure.path.split('!/')[1], failure.reason]));
    expect(reasons['../escape.dcm']).toMatch(/climbs out/);
    expect(reasons['bomb.dcm']).toMatch(/zip bomb/);
    expect(reasons['readme.txt']).toMatch(/not a DICOM file/);
    // Zip entries have no file to link to: they are copied into the store even in link mode.
    const db = openDb(cacheDir);
    const modes = db.prepare('SELECT DISTINCT storage_mode FROM instances').all();
    db.close();
    expect(modes).toEqual([{ storage_mode: 'copy' }]);
    expect(fs.existsSync(path.join(temp.dir, 'escape.dcm'))).toBe(false);
  });
});
