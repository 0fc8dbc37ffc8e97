import path from 'node:path';
import dicomParser from 'dicom-parser';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { viewerStudySchema } from '../../src-shared/contract/viewer';
import { createViewerService } from '../../src-main/viewer/viewer-service';
import { makeTempDir } from '../helpers/temp-dir';
import { dicomFilesIn, seedCache } from '../helpers/viewer-seed';
import { sharedDataPath } from '../helpers/shared-data';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

describe('viewer service on the GE head CT', () => {
  const files = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));
  const cacheDir = path.join(temp.dir, 'cache');
  const seeded = seedCache(cacheDir, files);
  const studyUid = seeded[0]?.studyInstanceUid ?? '';
  const service = createViewerService(cacheDir);
  afterAll(() => service.close());

  it('lists the series with every image, ordered along the slice normal', () => {
    const study = service.study(studyUid);
    expect(study.series).toHaveLength(1);
    const instances = study.series[0]?.instances ?? [];
    expect(instances).toHaveLength(files.length);
    // Independently: project each file's position on its normal, read here with dicom-parser.
    const distance = (file: string) => {
      const bytes = fs.readFileSync(file);
      const ds = dicomParser.parseDicom(new Uint8Array(bytes), { untilTag: 'x7fe00010' });
      const [rx = 0, ry = 0, rz = 0, cx = 0, cy = 0, cz = 0] = (ds.string('x00200037') ?? '').split('\\').map(Number);
      const [px = 0, py = 0, pz = 0] = (ds.string('x00200032') ?? '').split('\\').map(Number);
      const n = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
      return { uid: ds.string('x00080018') ?? '', d: px * (n[0] ?? 0) + py * (n[1] ?? 0) + pz * (n[2] ?? 0) };
    };
    // The study's header as the first file states it, and nothing the viewer's contract does not declare.
    const header = dicomParser.parseDicom(new Uint8Array(fs.readFileSync(files[0] ?? '')), { untilTag: 'x7fe00010' });
    expect(study.patientId).toBe(header.string('x00100020') ?? '');
    expect(study.studyDate).toBe(header.string('x00080020') ?? '');
    expect(study.studyDescription).toBe(header.string('x00081030') ?? '');
    expect(study.accessionNumber).toBe(header.string('x00080050') ?? '');
    expect(Object.keys(study).sort()).toEqual(Object.keys(viewerStudySchema.shape).sort());
    const expected = files.map(distance).sort((a, b) => a.d - b.d).map((x) => x.uid);
    expect(instances.map((i) => i.sopInstanceUid)).toEqual(expected);
    // Geometry the stack needs beyond the order, as each file states it.
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      const ds = dicomParser.parseDicom(new Uint8Array(bytes), { untilTag: 'x7fe00010' });
      const shown = instances.find((i) => i.sopInstanceUid === ds.string('x00080018'));
      expect(shown?.pixelSpacing).toEqual((ds.string('x00280030') ?? '').split('\\').map(Number));
      expect(shown?.sliceThickness).toBe(ds.floatString('x00180050') ?? null);
      expect(shown?.rows).toBe(ds.uint16('x00280010'));
    }
  });

  it('saves, replaces and lists measurements per study, and refuses an unknown study', () => {
    const sop = seeded[0]?.sopInstanceUid ?? '';
    const series = seeded[0]?.seriesInstanceUid ?? '';
    const m = (uid: string) => ({ annotationUid: uid, toolName: 'Length', seriesInstanceUid: series, sopInstanceUid: sop, label: `Length ${uid}`, annotationJson: '{}' });
    expect(service.saveMeasurements(studyUid, [m('a'), m('b')])).toBe(2);
    expect(service.measurements(studyUid).map((x) => x.annotationUid)).toEqual(['a', 'b']);
    service.saveMeasurements(studyUid, [m('c')]);
    expect(service.measurements(studyUid).map((x) => x.annotationUid)).toEqual(['c']);
    expect(() => service.saveMeasurements('1.2.3', [])).toThrow(/no study/);
    expect(() => service.study('1.2.3')).toThrow(/no study/);
  });
});
