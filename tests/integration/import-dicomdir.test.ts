import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFileName } from '../../src-main/studies/cache/database';
import { runImport } from '../../src-main/studies/import/run-import';
import { pydicomUnavailable, readWithPydicom, type PydicomUids } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { expectEveryFileAccounted } from '../helpers/import-accounting';
import { makeTempDir } from '../helpers/temp-dir';

const skipReason = pydicomUnavailable();
if (skipReason) console.warn(`import-dicomdir skipped: ${skipReason}`);

const variants = ['DICOMDIR', 'DICOMDIR-bigEnd', 'DICOMDIR-implicit', 'DICOMDIR-reordered', 'DICOMDIR-nooffset', 'DICOMDIR-nopatient', 'DICOMDIR-empty.dcm', 'TINY_ALPHA/DICOMDIR'];

describe.skipIf(skipReason !== undefined)('importing a DICOMDIR', () => {
  const temp = makeTempDir();
  afterAll(() => temp.cleanup());

  it.each(variants)('%s: imports exactly the instances its records reference', async (variant) => {
    const dicomdir = sharedDataPath('dicom', 'dicomdir', 'pydicom-dicomdirtests', variant);
    // pydicom walks the directory records; each referenced file is then read for its UIDs.
    const { referenced } = readWithPydicom<{ referenced: string[] }>('dicomdir', [dicomdir]);
    const expectedUids = referenced.length === 0 ? {} : readWithPydicom<Record<string, PydicomUids | null>>('uids', referenced);
    const expectedSops = Object.values(expectedUids).map((uids) => uids?.sop).sort();
    expect(expectedSops.every((sop) => typeof sop === 'string')).toBe(true);

    const cacheDir = path.join(temp.dir, variant.replace(/\W/g, '_'));
    const finished = await runImport({ importId: variant, cacheDir, paths: [dicomdir], mode: 'link' });
    expect(finished.status).toBe('completed');
    expect(finished.report.failed).toEqual([]);
    expect(finished.report.files).toBe(referenced.length + 1);
    expect(finished.report.instances).toBe(referenced.length);
    expect(finished.report.dicomdirs).toBe(1);
    expectEveryFileAccounted(finished.report, variant);

    const db = new Database(path.join(cacheDir, databaseFileName), { readonly: true });
    const rows = db.prepare('SELECT sop_instance_uid, file_path FROM instances ORDER BY sop_instance_uid').all() as { sop_instance_uid: string; file_path: string }[];
    db.close();
    expect(rows.map((row) => row.sop_instance_uid).sort()).toEqual(expectedSops);
    // Linked in place: the rows point at the referenced files themselves.
    expect(rows.map((row) => row.file_path).sort()).toEqual([...referenced].sort());
  });

  it('accounts for every file of the whole tree, the DICOMDIRs met while walking it included', async () => {
    const tree = sharedDataPath('dicom', 'dicomdir', 'pydicom-dicomdirtests');
    const finished = await runImport({ importId: 'tree', cacheDir: path.join(temp.dir, 'whole-tree'), paths: [tree], mode: 'copy' });
    expect(finished.status).toBe('completed');
    // Each DICOMDIR variant (named so in the corpus) is read as an index, never as a failure.
    expect(finished.report.dicomdirs).toBe(variants.length);
    expect(finished.report.failed.filter((failure) => /DICOMDIR/.test(failure.path))).toEqual([]);
    expectEveryFileAccounted(finished.report, 'dicomdir tree');
  });
});
