import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/dispatch';
import { createServices, type Services } from '../../src-main/services';
import { runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir('radstation-deid-service-');
const context = { host: 'web', client: 'test', role: 'owner' } as const;
const ctFolder = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
const original = runPydicom<{ study: string; sop: string; name: string }>(
  'import pydicom, sys, json\nd = pydicom.dcmread(sys.argv[1], stop_before_pixels=True)\nprint(json.dumps({"study": d.StudyInstanceUID, "sop": d.SOPInstanceUID, "name": str(d.PatientName)}))',
  [path.join(ctFolder, '01.dcm')],
);
let services: Services;

beforeAll(async () => {
  services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache') });
  const { importId } = services.imports.start({ paths: [ctFolder], mode: 'copy' });
  expect((await services.imports.whenFinished(importId))?.status).toBe('completed');
}, 60_000);

afterAll(async () => {
  await services.close();
  temp.cleanup();
});

describe('studies.deidentify and its preview, through the contract', () => {
  it('previews what each attribute of an instance becomes', async () => {
    const preview = await services.handlers['studies.deidentifyPreview']({ sopInstanceUid: original.sop, options: ['retain-long-modified-dates'] }, context);
    const byTag = new Map(preview.attributes.map((attribute) => [attribute.tag, attribute]));
    expect(byTag.get('(0010,0010)')).toMatchObject({ name: "Patient's Name", action: 'Z', before: original.name, after: '' });
    expect(byTag.get('(0008,0018)')?.after).not.toBe(original.sop);
    expect(byTag.get('(0008,0020)')?.action).toBe('C');
    expect(preview.burnedIn).toBeNull();
  });

  it('lists no image held back for burned-in text in a CT study, and refuses an unknown study', async () => {
    expect(await services.handlers['studies.deidentifyBurnedIn']({ studyInstanceUids: [original.study] }, context)).toEqual({ images: [] });
    await expect(Promise.resolve().then(() => services.handlers['studies.deidentifyBurnedIn']({ studyInstanceUids: ['1.2.3.999'] }, context))).rejects.toThrow(/no study/);
  });

  it('puts a de-identified copy in the cache as a new study and leaves the original as it was', async () => {
    const result = await services.handlers['studies.deidentify']({ studyInstanceUids: [original.study], options: [], project: 'default', burnedIn: {}, output: 'cache', dicomdir: false }, context);
    expect(result).toMatchObject({ files: 28, written: 28, excluded: [], project: 'default' });
    const [pair] = result.studies;
    const studies = services.studies.list({ limit: 10 });
    expect(studies.find((study) => study.studyInstanceUid === original.study)?.patientName).toBe(original.name);
    expect(studies.find((study) => study.studyInstanceUid === pair?.deidentified)).toMatchObject({ patientName: '', instanceCount: 28 });
  }, 60_000);

  it('marks the copy de-identified in the cache, and the study list shows and filters the mark', async () => {
    const all = await services.handlers['studies.list']({ sortBy: 'studyDate', sortDirection: 'desc', limit: 10 }, context);
    const copy = all.studies.find((study) => study.studyInstanceUid !== original.study);
    expect(copy?.deidentified).toBe(true);
    expect(all.studies.find((study) => study.studyInstanceUid === original.study)?.deidentified).toBe(false);
    const onlyMarked = await services.handlers['studies.list']({ deidentified: true, sortBy: 'studyDate', sortDirection: 'desc', limit: 10 }, context);
    expect(onlyMarked.studies.map((study) => study.studyInstanceUid)).toEqual([copy?.studyInstanceUid]);
    const unmarked = await services.handlers['studies.list']({ deidentified: false, sortBy: 'studyDate', sortDirection: 'desc', limit: 10 }, context);
    expect(unmarked.studies.map((study) => study.studyInstanceUid)).toEqual([original.study]);
  });

  it('refuses an unknown study with not-found', async () => {
    const result = await dispatch(services.handlers, 'studies.deidentify', { studyInstanceUids: ['1.2.3.4'] }, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
