import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main';
import { createStudyService, type StudyService } from '../../src-main/studies/study-service';
import { pydicomAvailable, runPydicom } from '../helpers/pydicom';
import { dicomFilesIn } from '../helpers/seed-cache';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The queries against a cache written by the real import (copy mode, the
 * content-addressed store), rather than by the test's own seeding: the two halves of
 * issue 3 must agree on how geometry and file paths are stored.
 */
const slicesByPositionScript = `
import json, sys, pydicom, numpy as np
rows = []
for f in sys.argv[1:]:
    d = pydicom.dcmread(f, stop_before_pixels=True)
    o = np.array(d.ImageOrientationPatient, float); n = np.cross(o[:3], o[3:])
    rows.append((float(np.array(d.ImagePositionPatient, float) @ n), int(d.InstanceNumber), str(d.SOPInstanceUID)))
rows.sort()
print(json.dumps([uid for _, _, uid in rows]))
`;

function filesUnder(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

const havePydicom = pydicomAvailable();
if (!havePydicom) console.warn('study-queries-after-import: skipped, /usr/bin/python3 with pydicom and numpy is not installed.');

describe.skipIf(!havePydicom)('queries on a cache filled by radstation import', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');
  const ctFolder = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
  let service: StudyService;

  beforeAll(async () => {
    const err: string[] = [];
    const code = await runCli(['import', ctFolder, '--cache', cacheDir, '--json'], { out: () => {}, err: (text) => err.push(text) });
    expect(code, err.join('\n')).toBe(0);
    service = createStudyService(cacheDir);
  });
  afterAll(() => {
    service?.close();
    temp.cleanup();
  });

  it('orders the imported tilted CT along its slice normal, as pydicom does', async () => {
    const [study] = service.list({});
    const [series] = service.series(study!.studyInstanceUid);
    const { orderedBy, instances } = service.instances(series!.seriesInstanceUid);
    expect(orderedBy).toBe('slice-position');
    expect(instances.map((instance) => instance.sopInstanceUid)).toEqual(runPydicom<string[]>(slicesByPositionScript, dicomFilesIn(ctFolder)));
    expect(instances.every((instance) => instance.storageMode === 'copy' && !instance.fileMissing)).toBe(true);
    expect(await service.thumbnail(series!.seriesInstanceUid)).toMatchObject({ status: 'ready', width: 128, height: 128 });
    expect(service.tags(instances[0]!.sopInstanceUid).tags.find((tag) => tag.keyword === 'Modality')?.value).toBe('CT');
  });

  it('deletes the study with every managed copy, and leaves the originals', () => {
    const storedBefore = filesUnder(path.join(cacheDir, 'store')).filter((file) => file.endsWith('.dcm'));
    expect(storedBefore).toHaveLength(28);
    const [study] = service.list({});
    expect(service.delete(study!.studyInstanceUid)).toMatchObject({ instances: 28, removedFiles: 28, keptLinkedFiles: 0 });
    expect(filesUnder(path.join(cacheDir, 'store')).filter((file) => file.endsWith('.dcm'))).toEqual([]);
    expect(dicomFilesIn(ctFolder)).toHaveLength(28);
    expect(service.list({})).toEqual([]);
  });
});
