import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCacheDatabase } from '../../src-main/studies/cache/database';
import { createStudyService, type StudyService } from '../../src-main/studies/study-service';
import { pydicomAvailable, runPydicom } from '../helpers/pydicom';
import { dicomFilesIn, seedFiles } from '../helpers/seed-cache';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Series order checked against pydicom: for each file, the slice normal is the cross
 * product of ImageOrientationPatient's two direction cosines and the slice's place is
 * ImagePositionPatient projected on it. Computed in Python, not by the code under test.
 */
const expectedOrderScript = `
import json, sys, pydicom, numpy as np
rows = []
for f in sys.argv[1:]:
    d = pydicom.dcmread(f, stop_before_pixels=True)
    o = np.array(d.ImageOrientationPatient, dtype=float)
    n = np.cross(o[:3], o[3:]); n = n / np.linalg.norm(n)
    p = np.array(d.ImagePositionPatient, dtype=float)
    rows.append({"uid": str(d.SOPInstanceUID), "projection": float(p @ n), "instanceNumber": int(d.InstanceNumber), "position": [float(v) for v in p], "seriesUid": str(d.SeriesInstanceUID)})
rows.sort(key=lambda r: (r["projection"], r["instanceNumber"]))
print(json.dumps(rows))
`;
interface ExpectedSlice {
  uid: string;
  projection: number;
  instanceNumber: number;
  position: [number, number, number];
  seriesUid: string;
}

const havePydicom = pydicomAvailable();
if (!havePydicom) console.warn('study-instances-order: skipped, /usr/bin/python3 with pydicom and numpy is not installed to compute the expected order.');

describe.skipIf(!havePydicom)('instances of a series, in slice order', () => {
  const temp = makeTempDir();
  let service: StudyService;
  const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));
  const mrFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens'));
  let ctExpected: ExpectedSlice[];
  let mrExpected: ExpectedSlice[];
  const noGeometrySeries = '1.2.826.0.1.3680043.8.498.900001';
  const renamed = new Map<string, string>();
  const rename = (original: string): string => {
    const uid = `1.2.826.0.1.3680043.8.498.900002.${renamed.size + 1}`;
    renamed.set(uid, original);
    return uid;
  };

  beforeAll(() => {
    ctExpected = runPydicom<ExpectedSlice[]>(expectedOrderScript, ctFiles);
    mrExpected = runPydicom<ExpectedSlice[]>(expectedOrderScript, mrFiles);
    const db = openCacheDatabase(temp.dir);
    // Inserted in a shuffled order, so that the table's own order cannot pass for sorting.
    const shuffled = [...ctFiles].sort((a, b) => (path.basename(a).split('').reverse().join('') < path.basename(b).split('').reverse().join('') ? -1 : 1));
    seedFiles(db, temp.dir, shuffled, { mode: 'link' });
    seedFiles(db, temp.dir, mrFiles, { mode: 'link' });
    // The first 20 MR slices again as a series without geometry (copied, under a new series UID).
    seedFiles(db, temp.dir, mrFiles.slice(0, 20), { mode: 'copy', dropGeometry: true, override: { seriesInstanceUid: noGeometrySeries }, renameInstance: rename });
    db.close();
    service = createStudyService(temp.dir);
  });
  afterAll(() => {
    service?.close();
    temp.cleanup();
  });

  it('orders the gantry-tilted GE CT by projection on the slice normal', () => {
    const seriesUid = ctExpected[0]!.seriesUid;
    const { orderedBy, instances } = service.instances(seriesUid);
    expect(orderedBy).toBe('slice-position');
    expect(instances.map((instance) => instance.sopInstanceUid)).toEqual(ctExpected.map((slice) => slice.uid));
    instances.forEach((instance, index) => expect(instance.sliceProjection).toBeCloseTo(ctExpected[index]!.projection, 4));
    // The tilt is real: the stack runs at 18.5° to the slice normal, so positions shift in-plane.
    const first = ctExpected[0]!;
    const last = ctExpected[ctExpected.length - 1]!;
    const travel = Math.hypot(...last.position.map((value, axis) => value - first.position[axis]!));
    const angle = (Math.acos((last.projection - first.projection) / travel) * 180) / Math.PI;
    expect(angle).toBeCloseTo(18.5, 0);
    expect(instances).toHaveLength(28);
  });

  it('orders the Siemens MPRAGE by position, which here runs against its instance numbers', () => {
    const seriesUid = mrExpected[0]!.seriesUid;
    const { orderedBy, instances } = service.instances(seriesUid);
    expect(orderedBy).toBe('slice-position');
    expect(instances).toHaveLength(176);
    expect(instances.map((instance) => instance.sopInstanceUid)).toEqual(mrExpected.map((slice) => slice.uid));
    // Independent of the exact list: the first slice by position is the highest-numbered one.
    expect(instances[0]!.instanceNumber).toBe(176);
    expect(instances.every((instance) => instance.fileMissing === false)).toBe(true);
  });

  it('falls back to instance numbers when the geometry is missing', () => {
    const { orderedBy, instances } = service.instances(noGeometrySeries);
    expect(orderedBy).toBe('instance-number');
    const numbers = instances.map((instance) => instance.instanceNumber);
    const numberOf = new Map(mrExpected.map((slice) => [slice.uid, slice.instanceNumber]));
    const expected = instances.map((instance) => numberOf.get(renamed.get(instance.sopInstanceUid)!)!).sort((a, b) => a - b);
    expect(numbers).toEqual(expected);
    expect(new Set(numbers).size).toBe(20);
    expect(instances.every((instance) => instance.sliceProjection === null && instance.imagePositionPatient === null)).toBe(true);
  });

  it('reports a linked file that disappeared as missing, not as an error', () => {
    const { instances } = service.instances(noGeometrySeries);
    const victim = instances[3]!;
    const stored = service.resolveInstanceFile(victim.sopInstanceUid)!;
    fs.renameSync(stored, `${stored}.gone`);
    try {
      const after = service.instances(noGeometrySeries).instances;
      expect(after.filter((instance) => instance.fileMissing).map((instance) => instance.sopInstanceUid)).toEqual([victim.sopInstanceUid]);
      expect(() => service.tags(victim.sopInstanceUid)).toThrow(/missing/);
    } finally {
      fs.renameSync(`${stored}.gone`, stored);
    }
  });

  it('lists the series of a study with counts and flags, and refuses unknown UIDs', () => {
    const studyUid = service.list({}).find((study) => study.modalities.includes('MR'))!.studyInstanceUid;
    const series = service.series(studyUid);
    const bySeries = new Map(series.map((entry) => [entry.seriesInstanceUid, entry]));
    expect(bySeries.get(mrExpected[0]!.seriesUid)?.instanceCount).toBe(176);
    expect(bySeries.get(noGeometrySeries)?.instanceCount).toBe(20);
    expect(series.every((entry) => entry.modality === 'MR' && entry.hasThumbnail === false)).toBe(true);
    expect(() => service.series('1.2.3.4')).toThrow(/no study/);
    expect(() => service.instances('1.2.3.4')).toThrow(/no series/);
  });
});
