import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { deidentifyFiles } from '../../src-main/deid/deidentify-job';
import { runImport } from '../../src-main/studies/import/run-import';
import { pydicomUnavailable, runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const unavailable = pydicomUnavailable();
const temp = makeTempDir('radstation-deid-');
afterAll(() => temp.cleanup());

function dcmFiles(dir: string): string[] {
  const found: string[] = [];
  const visit = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.dcm')) found.push(full);
    }
  };
  visit(dir);
  return found.sort();
}

/** Two instances written by pydicom: B refers to A in a nested Source Image Sequence and a Referenced Image Sequence. */
const writeReferencingPair = `
import sys, json
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian
out = sys.argv[1]
study, series, frame = '1.2.826.0.1.3680043.10.9.1', '1.2.826.0.1.3680043.10.9.2', '1.2.826.0.1.3680043.10.9.3'
uids = {'a': '1.2.826.0.1.3680043.10.9.10', 'b': '1.2.826.0.1.3680043.10.9.11'}
for name, uid in uids.items():
    ds = Dataset()
    ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.2'
    ds.SOPInstanceUID = uid
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.FrameOfReferenceUID = frame
    ds.PatientName = 'Doe^Jane'
    ds.PatientID = 'PID777'
    ds.Modality = 'CT'
    if name == 'b':
        ref = Dataset(); ref.ReferencedSOPClassUID = ds.SOPClassUID; ref.ReferencedSOPInstanceUID = uids['a']
        source = Dataset(); source.ReferencedSOPClassUID = ds.SOPClassUID; source.ReferencedSOPInstanceUID = uids['a']
        derivation = Dataset(); derivation.SourceImageSequence = Sequence([source])
        ds.ReferencedImageSequence = Sequence([ref])
        ds.DerivationImageSequence = Sequence([derivation])
    meta = FileMetaDataset(); meta.MediaStorageSOPClassUID = ds.SOPClassUID; meta.MediaStorageSOPInstanceUID = uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta; ds.is_little_endian = True; ds.is_implicit_VR = False
    ds.save_as(f'{out}/{name}.dcm', write_like_original=False)
print(json.dumps(uids))
`;

const readUids = `
import sys, json
from pydicom import dcmread
result = []
for path in sys.argv[1:]:
    ds = dcmread(path)
    refs = [item.ReferencedSOPInstanceUID for item in ds.get('ReferencedImageSequence', [])]
    sources = [s.ReferencedSOPInstanceUID for d in ds.get('DerivationImageSequence', []) for s in d.get('SourceImageSequence', [])]
    result.append({'sop': ds.SOPInstanceUID, 'meta': ds.file_meta.MediaStorageSOPInstanceUID, 'study': ds.StudyInstanceUID,
                   'series': ds.SeriesInstanceUID, 'frame': ds.get('FrameOfReferenceUID'), 'refs': refs, 'sources': sources,
                   'name': str(ds.get('PatientName', '')), 'removed': ds.get('PatientIdentityRemoved')})
print(json.dumps(result))
`;

interface ReadBack {
  sop: string;
  meta: string;
  study: string;
  series: string;
  frame: string | null;
  refs: string[];
  sources: string[];
  name: string;
  removed: string;
}

describe.skipIf(unavailable !== undefined)(`De-identified output${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  const cacheDir = path.join(temp.dir, 'cache');

  it('remaps UIDs the same way across files and jobs of a project, references and file meta included', async () => {
    const sources = path.join(temp.dir, 'pair');
    fs.mkdirSync(sources);
    const original = runPydicom<{ a: string; b: string }>(writeReferencingPair, [sources]);
    const first = await deidentifyFiles({ cacheDir, paths: [sources], outDir: path.join(temp.dir, 'job1'), options: [], project: 'p1' });
    const second = await deidentifyFiles({ cacheDir, paths: [path.join(sources, 'b.dcm')], outDir: path.join(temp.dir, 'job2'), options: [], project: 'p1' });
    const other = await deidentifyFiles({ cacheDir, paths: [path.join(sources, 'b.dcm')], outDir: path.join(temp.dir, 'job3'), options: [], project: 'p2' });
    expect([first.written, second.written, other.written]).toEqual([2, 1, 1]);
    const [a, b] = runPydicom<ReadBack[]>(readUids, dcmFiles(path.join(temp.dir, 'job1'))).sort((x, y) => x.refs.length - y.refs.length);
    const [bAgain] = runPydicom<ReadBack[]>(readUids, dcmFiles(path.join(temp.dir, 'job2')));
    const [bOther] = runPydicom<ReadBack[]>(readUids, dcmFiles(path.join(temp.dir, 'job3')));
    if (!a || !b || !bAgain || !bOther) throw new Error('missing output');
    expect(a.sop).not.toBe(original.a);
    expect(b.refs).toEqual([a.sop]);
    expect(b.sources).toEqual([a.sop]);
    expect([a.meta, b.meta]).toEqual([a.sop, b.sop]);
    expect(b.study).toBe(a.study);
    expect(b.frame).toBe(a.frame);
    expect(bAgain).toEqual(b);
    expect(bOther.sop).not.toBe(b.sop);
    expect(b.name).toBe('');
    expect(b.removed).toBe('YES');
  });

  it('writes the real CT series so that it re-imports into a cache as a new study', async () => {
    const series = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
    const out = path.join(temp.dir, 'ct');
    const report = await deidentifyFiles({ cacheDir, paths: [series], outDir: out, options: [], project: 'p1' });
    expect(report.written).toBe(28);
    const finished = await runImport({ importId: randomUUID(), cacheDir: path.join(temp.dir, 'reimport'), paths: [out], mode: 'copy' });
    expect(finished.status).toBe('completed');
    expect(finished.report.failed).toEqual([]);
    expect(finished.report.instances).toBe(28);
    expect(finished.report.studies).toBe(1);
  });

  const dciodvfyMissing = spawnSync('dciodvfy', ['-'], { encoding: 'utf8' }).error !== undefined;
  it.skipIf(dciodvfyMissing)(`adds no dciodvfy error to a real CT and MR image${dciodvfyMissing ? ' — skipped: dciodvfy (dicom3tools) is not installed' : ''}`, async () => {
    const inputs = [
      path.join(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'), fs.readdirSync(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')).sort()[0] ?? ''),
      sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens', '00001.dcm'),
    ];
    const errors = (file: string) =>
      new Set(
        spawnSync('dciodvfy', [file], { encoding: 'utf8' })
          .stderr.split('\n')
          .filter((line) => line.startsWith('Error'))
          // The input's own errors about a value name that value; the output's never has it.
          .map((line) => line.replace(/<[^>]*>/g, '<>')),
      );
    for (const input of inputs) {
      const out = path.join(temp.dir, `vfy-${path.basename(path.dirname(input))}`);
      await deidentifyFiles({ cacheDir, paths: [input], outDir: out, options: [], project: 'p1' });
      const [output] = dcmFiles(out);
      const before = errors(input);
      const added = [...errors(output ?? '')].filter((line) => !before.has(line));
      expect(added, `new dciodvfy errors for ${input}`).toEqual([]);
    }
  });

  it('de-identifies or excludes with a reason every file of the shared corpus, without crashing', async () => {
    const corpus = sharedDataPath('dicom', 'conformance');
    const report = await deidentifyFiles({ cacheDir, paths: [corpus, sharedDataPath('dicom', 'dicomdir')], outDir: path.join(temp.dir, 'corpus'), options: [], project: 'p1' });
    expect(report.written + report.excluded.length).toBe(report.files);
    expect(report.written).toBeGreaterThan(150);
    for (const item of report.excluded) expect(item.reason.length).toBeGreaterThan(10);
    // Secondary captures and ultrasound are held back for their burned-in text, not written.
    expect(report.excluded.some((item) => /burned-in/.test(item.reason) && /US1_UNCR/.test(item.path))).toBe(true);
    expect(dcmFiles(path.join(temp.dir, 'corpus'))).toHaveLength(report.written);
  }, 240_000);
});
