import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deidentifyFiles } from '../../src-main/deid/deidentify-job';
import { pydicomUnavailable, runPydicom } from '../helpers/pydicom';
import { repoRoot } from '../helpers/cli-process';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Retain Safe Private (PS3.15 E.3.10): private attributes listed in Table E.3.10-1 stay, judged
 * by their own block's Private Creator, at the top level and inside sequences; everything else
 * private goes, and without the option all of it goes. pydicom writes the input and reads the output.
 */

const unavailable = pydicomUnavailable();
const temp = makeTempDir('radstation-deid-safe-private-');
afterAll(() => temp.cleanup());

const writeInput = `
import sys
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian
def private_blocks(ds):
    # Group 0019: GE's acquisition block (Table Speed xx23 is listed; xx99 is not), then another
    # creator using the same element byte, which the table does not list.
    ds.add_new(0x00190010, 'LO', 'GEMS_ACQU_01')
    ds.add_new(0x00191023, 'DS', '1.5')
    ds.add_new(0x00191099, 'LO', 'Doe John')
    ds.add_new(0x00190011, 'LO', 'ACME PRIVATE')
    ds.add_new(0x00191123, 'DS', '2.0')
    ds.add_new(0x70530010, 'LO', 'Philips PET Private Group')
    ds.add_new(0x70531000, 'DS', '0.00042')
ds = Dataset()
ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.2'
ds.SOPInstanceUID = '1.2.826.0.1.3680043.10.9.501'
ds.StudyInstanceUID = '1.2.826.0.1.3680043.10.9.502'
ds.SeriesInstanceUID = '1.2.826.0.1.3680043.10.9.503'
ds.PatientName = 'Doe^John'
ds.PatientID = 'PID12345'
ds.Modality = 'CT'
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

describe.skipIf(unavailable !== undefined)(`Retain Safe Private${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  const input = path.join(temp.dir, 'input.dcm');

  it('keeps only the listed private attributes of their listed creator, at the top level and nested', async () => {
    runPydicom(writeInput, [input]);
    const out = path.join(temp.dir, 'safe');
    const report = await deidentifyFiles({ cacheDir: path.join(temp.dir, 'cache'), paths: [input], outDir: out, options: ['retainSafePrivate'], project: 'p' });
    expect(report.written).toBe(1);
    const read = runPydicom<{ top: Record<string, string>; nested: Record<string, string> | null }>(readPrivate, [outputFile(out)]);
    const kept = { '00190010': 'GEMS_ACQU_01', '00191023': '1.5', '70530010': 'Philips PET Private Group', '70531000': '0.00042' };
    expect(read.top).toEqual(kept);
    expect(read.nested).toEqual(kept);
  });

  it('removes every private attribute without the option', async () => {
    const out = path.join(temp.dir, 'basic');
    await deidentifyFiles({ cacheDir: path.join(temp.dir, 'cache'), paths: [input], outDir: out, options: [], project: 'p' });
    expect(runPydicom(readPrivate, [outputFile(out)])).toEqual({ top: {}, nested: {} });
  });
});

describe('the safe private list is the generated one, from the checked-in excerpt of PS3.15', () => {
  const table = JSON.parse(fs.readFileSync(path.join(repoRoot, 'src-main', 'deid', 'safe-private.json'), 'utf8')) as {
    source: { excerpt: string; excerptSha256: string };
    rows: Array<{ group: string; element: string; creator: string }>;
  };
  const excerpt = fs.readFileSync(path.join(repoRoot, table.source.excerpt));

  it('names the excerpt it was made from by its checksum, and has one row per data element line of the table', () => {
    expect(crypto.createHash('sha256').update(excerpt).digest('hex')).toBe(table.source.excerptSha256);
    const elementLines = excerpt.toString('utf8').split('\n').filter((line) => /^\s*\| \([0-9A-Fa-f]{4},xx[0-9A-Fa-f]{2}\)/.test(line));
    expect(table.rows).toHaveLength(elementLines.length);
    expect(table.rows).toContainEqual(expect.objectContaining({ group: '0019', element: '23', creator: 'GEMS_ACQU_01' }));
    expect(table.rows).toContainEqual(expect.objectContaining({ group: '0199', element: '0A', creator: 'NQLeft' }));
  });
});
