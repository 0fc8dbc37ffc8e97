import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deidentifyFiles } from '../../src-main/deid/deidentify-job';
import { pydicomUnavailable, runPydicom } from '../helpers/pydicom';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Retain Safe Private honours what a file declares about its own private blocks in the Private
 * Data Element Characteristics Sequence (0008,0300; PS3.3 C.12.1.1.7, PS3.15 E.3.10): a SAFE
 * block stays whole, a MIXED block keeps only its Nonidentifying Private Elements (never those
 * its Deidentification Action Sequence names), an UNSAFE block goes even where the checked-in
 * table would keep it, and undeclared blocks are judged by the table alone. pydicom writes the
 * input and reads the output.
 */

const unavailable = pydicomUnavailable();
const temp = makeTempDir('radstation-deid-declared-private-');
afterAll(() => temp.cleanup());

const writeInput = `
import sys
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian
def block(group, creator, status, safe=None, identifying=None):
    item = Dataset()
    item.add_new(0x00080301, 'US', group)
    item.add_new(0x00080302, 'LO', creator)
    item.add_new(0x00080303, 'CS', status)
    if safe is not None: item.add_new(0x00080304, 'US', safe)
    if identifying is not None:
        action = Dataset()
        action.add_new(0x00080306, 'US', identifying)
        action.add_new(0x00080307, 'CS', 'X')
        item.add_new(0x00080305, 'SQ', Sequence([action]))
    return item
def private_blocks(ds):
    ds.add_new(0x00290010, 'LO', 'ACME SAFE BLOCK')
    ds.add_new(0x00291001, 'LO', 'safe one')
    ds.add_new(0x00291002, 'DS', '2.5')
    ds.add_new(0x00290011, 'LO', 'ACME MIXED')
    ds.add_new(0x00291101, 'LO', 'mixed safe')
    ds.add_new(0x00291102, 'LO', 'Doe John')
    ds.add_new(0x00291103, 'LO', 'mixed safe too')
    ds.add_new(0x00291104, 'LO', 'not listed')
    ds.add_new(0x00310010, 'LO', 'ACME UNSAFE')
    ds.add_new(0x00311001, 'LO', 'secret')
    ds.add_new(0x00330010, 'LO', 'ACME UNDECLARED')
    ds.add_new(0x00331001, 'LO', 'undeclared')
    # Listed safe by Table E.3.10-1, but this file declares GE's block unsafe.
    ds.add_new(0x00190010, 'LO', 'GEMS_ACQU_01')
    ds.add_new(0x00191023, 'DS', '1.5')
ds = Dataset()
ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.2'
ds.SOPInstanceUID = '1.2.826.0.1.3680043.10.9.601'
ds.StudyInstanceUID = '1.2.826.0.1.3680043.10.9.602'
ds.SeriesInstanceUID = '1.2.826.0.1.3680043.10.9.603'
ds.PatientName = 'Doe^John'
ds.PatientID = 'PID12345'
ds.Modality = 'CT'
ds.add_new(0x00080300, 'SQ', Sequence([
    block(0x0029, 'ACME SAFE BLOCK', 'SAFE'),
    block(0x0029, 'ACME MIXED', 'MIXED', safe=[0x01, 0x02, 0x03], identifying=[0x02]),
    block(0x0031, 'ACME UNSAFE', 'UNSAFE'),
    block(0x0019, 'GEMS_ACQU_01', 'UNSAFE'),
]))
private_blocks(ds)
item = Dataset()
item.CodeValue = 'T-A0100'
private_blocks(item)
ds.AnatomicRegionSequence = Sequence([item])
meta = FileMetaDataset(); meta.MediaStorageSOPClassUID = ds.SOPClassUID; meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds.file_meta = meta; ds.is_little_endian = True; ds.is_implicit_VR = False
ds.save_as(sys.argv[1], write_like_original=False)
print('{}')
`;

const readPrivate = `
import sys, json
from pydicom import dcmread
def private(ds):
    return {f'{e.tag:08X}': str(e.value) for e in ds if e.tag.is_private}
ds = dcmread(sys.argv[1])
seq = ds.get('AnatomicRegionSequence')
print(json.dumps({'top': private(ds), 'nested': private(seq[0]) if seq else None}))
`;

function outputFile(dir: string): string {
  const found: string[] = [];
  const visit = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(path.join(folder, entry.name));
      else found.push(path.join(folder, entry.name));
    }
  };
  visit(dir);
  if (found.length !== 1) throw new Error(`expected one output file, found ${found.length}`);
  return found[0] ?? '';
}

describe.skipIf(unavailable !== undefined)(`Retain Safe Private with the file's own declarations${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  const input = path.join(temp.dir, 'input.dcm');

  it('keeps SAFE blocks and the nonidentifying elements of MIXED ones, and drops UNSAFE and undeclared ones, at both levels', async () => {
    runPydicom(writeInput, [input]);
    const out = path.join(temp.dir, 'safe');
    const report = await deidentifyFiles({ cacheDir: path.join(temp.dir, 'cache'), paths: [input], outDir: out, options: ['retainSafePrivate'], project: 'p' });
    expect(report.written).toBe(1);
    const read = runPydicom<{ top: Record<string, string>; nested: Record<string, string> | null }>(readPrivate, [outputFile(out)]);
    const kept = {
      '00290010': 'ACME SAFE BLOCK',
      '00291001': 'safe one',
      '00291002': '2.5',
      '00290011': 'ACME MIXED',
      '00291101': 'mixed safe',
      '00291103': 'mixed safe too',
    };
    expect(read.top).toEqual(kept);
    expect(read.nested).toEqual(kept);
  });

  it('removes every private attribute without the option, whatever the file declares', async () => {
    const out = path.join(temp.dir, 'basic');
    await deidentifyFiles({ cacheDir: path.join(temp.dir, 'cache'), paths: [input], outDir: out, options: [], project: 'p' });
    expect(runPydicom(readPrivate, [outputFile(out)])).toEqual({ top: {}, nested: {} });
  });
});
