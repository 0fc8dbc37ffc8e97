import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cliArgs, repoRoot } from '../helpers/cli-process';
import { pydicomUnavailable, runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * A de-identified DICOMDIR indexes every kind of object written, each under the Directory Record
 * Type PS3.3 F.4/F.5 gives its SOP Class (RT PLAN, RT DOSE, WAVEFORM…, not only IMAGE and SR), with
 * that record's keys: dciodvfy (dicom3tools) checks the records, pydicom's FileSet walks them.
 * Real RT and SEG files from the corpus, and objects without pixels written here by pydicom.
 */

const temp = makeTempDir('radstation-deid-dicomdir-records-');
afterAll(() => temp.cleanup());
const missing = (tool: string) => spawnSync(tool, ['-h'], { encoding: 'utf8' }).error !== undefined;
const skipReason = [pydicomUnavailable(), ...['dcmdump', 'dciodvfy'].filter(missing).map((tool) => `${tool} is not installed`)].filter(Boolean).join('; ');

const writeObjects = `
import sys, os
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian
def write(name, sop_class, modality, number, extra):
    ds = Dataset()
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = '1.2.826.0.1.3680043.10.9.7' + str(number)
    ds.StudyInstanceUID = '1.2.826.0.1.3680043.10.9.700'
    ds.SeriesInstanceUID = '1.2.826.0.1.3680043.10.9.70' + str(number)
    ds.PatientName = 'Doe^Jane'
    ds.PatientID = 'PID-7'
    ds.StudyDate = '20240102'
    ds.Modality = modality
    ds.InstanceNumber = number
    ds.ContentDate = '20240102'
    ds.ContentTime = '101500'
    for key, value in extra.items(): setattr(ds, key, value)
    meta = FileMetaDataset(); meta.MediaStorageSOPClassUID = sop_class; meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta; ds.is_little_endian = True; ds.is_implicit_VR = False
    ds.save_as(os.path.join(sys.argv[1], name), write_like_original=False)
write('rtstruct.dcm', '1.2.840.10008.5.1.4.1.1.481.3', 'RTSTRUCT', 1, {'StructureSetLabel': 'Jane contours', 'StructureSetDate': '20240102'})
write('ecg.dcm', '1.2.840.10008.5.1.4.1.1.9.1.1', 'ECG', 2, {})
write('registration.dcm', '1.2.840.10008.5.1.4.1.1.66.1', 'REG', 3, {'ContentLabel': 'REG1', 'ContentDescription': 'rigid'})
write('raw.dcm', '1.2.840.10008.5.1.4.1.1.66', 'OT', 4, {})
print('{}')
`;

/** Each record's type and the SOP Class it names, as pydicom's FileSet finds them by the offsets. */
const readRecords = `
import sys, json, os, pydicom
from pydicom.fileset import FileSet
fs = FileSet(pydicom.dcmread(sys.argv[1]))
print(json.dumps(sorted([[inst.ReferencedSOPClassUIDInFile, inst.DirectoryRecordType, os.path.isfile(inst.path)] for inst in fs])))
`;

describe.skipIf(skipReason !== '')(`DICOMDIR record types of de-identified output${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  it('indexes RT, SEG, waveform, registration and raw data objects under their own record types, and dciodvfy accepts it', () => {
    const generated = path.join(temp.dir, 'generated');
    fs.mkdirSync(generated, { recursive: true });
    runPydicom(writeObjects, [generated]);
    const pydicomCorpus = (name: string) => sharedDataPath('dicom', 'conformance', 'pydicom', name);
    const inputs = [pydicomCorpus('rtplan.dcm'), pydicomCorpus('rtdose.dcm'), pydicomCorpus('liver.dcm'), sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', '01.dcm'), generated];
    const out = path.join(temp.dir, 'media');
    const result = spawnSync(process.execPath, cliArgs('deidentify', '--cache', path.join(temp.dir, 'cache'), ...inputs, '--out', out, '--dicomdir', '--json'), {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, RADSTATION_CACHE: '' },
    });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { written: number; excluded: unknown[]; dicomdir: { indexed: number; notIndexed: unknown[] } };
    expect(report.excluded).toEqual([]);
    expect(report.dicomdir).toEqual({ indexed: 8, notIndexed: [] });

    const dicomdir = path.join(out, 'DICOMDIR');
    const check = spawnSync('dciodvfy', [dicomdir], { encoding: 'utf8' });
    expect(`${check.stdout}\n${check.stderr}`.split('\n').filter((line) => line.startsWith('Error'))).toEqual([]);
    // The type's own keys: the dose's summation type as in its file, the plan's label (type 1) never empty.
    const dump = spawnSync('dcmdump', [dicomdir], { encoding: 'utf8' }).stdout;
    expect(dump).toContain('(3004,000a) CS [BEAM]');
    expect(dump).toMatch(/\(300a,0002\) SH \[[^\]]+\]/);
    expect(dump).toMatch(/\(3006,0002\) SH \[[^\]]+\]/);

    expect(runPydicom(readRecords, [dicomdir])).toEqual(
      [
        ['1.2.840.10008.5.1.4.1.1.2', 'IMAGE', true],
        ['1.2.840.10008.5.1.4.1.1.481.2', 'RT DOSE', true],
        ['1.2.840.10008.5.1.4.1.1.481.3', 'RT STRUCTURE SET', true],
        ['1.2.840.10008.5.1.4.1.1.481.5', 'RT PLAN', true],
        ['1.2.840.10008.5.1.4.1.1.66', 'RAW DATA', true],
        ['1.2.840.10008.5.1.4.1.1.66.1', 'REGISTRATION', true],
        ['1.2.840.10008.5.1.4.1.1.66.4', 'IMAGE', true],
        ['1.2.840.10008.5.1.4.1.1.9.1.1', 'WAVEFORM', true],
      ].sort(),
    );
  });
});
