import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readSlice } from '../../src-main/inference/pixels/dicom-pixels';
import { sharedDataPath } from '../helpers/shared-data';
import { python, pythonFixtureProblem } from '../helpers/inference/fixtures';

// The runtime's pixel reader against pydicom's pixel_array on the same real files.
const problem = pythonFixtureProblem();
if (problem) console.warn(`inference-dicom-read tests skipped: ${problem}`);

const conformance = (name: string): string => sharedDataPath('dicom', 'conformance', 'pydicom', name);

function pydicomPixels(file: string, frame: number): { shape: number[]; values: number[] } {
  const script = `import sys, json, pydicom, numpy as np
ds = pydicom.dcmread(sys.argv[1])
a = ds.pixel_array
if int(ds.get('NumberOfFrames', 1)) > 1: a = a[int(sys.argv[2])]
if a.ndim == 3: a = 0.299 * a[..., 0].astype(float) + 0.587 * a[..., 1] + 0.114 * a[..., 2]
print(json.dumps({"shape": list(a.shape[:2]), "values": a.astype(float).ravel().tolist()}))`;
  const run = spawnSync(python, ['-c', script, file, String(frame)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { shape: number[]; values: number[] };
}

describe.skipIf(problem !== undefined)('reading pixels from native and RLE transfer syntaxes', () => {
  it.each([
    ['MR_small.dcm', 0],
    ['MR_small_implicit.dcm', 0],
    ['MR_small_bigendian.dcm', 0],
    ['CT_small.dcm', 0],
    ['SC_rgb.dcm', 0],
    ['SC_rgb_16bit_2frame.dcm', 1],
    // RLE Lossless: pydicom decodes it with its own (numpy) handler, independently of ours.
    ['MR_small_RLE.dcm', 0],
    ['SC_rgb_rle_2frame.dcm', 1],
  ])('%s frame %i matches pydicom', async (name, frame) => {
    const file = conformance(name);
    const slice = await readSlice(file, frame);
    const expected = pydicomPixels(file, frame);
    expect([slice.rows, slice.columns]).toEqual(expected.shape);
    let worst = 0;
    for (let i = 0; i < expected.values.length; i += 1) worst = Math.max(worst, Math.abs(slice.stored[i]! - expected.values[i]!));
    expect(worst).toBeLessThan(0.01);
  });

  it('refuses a transfer syntax it cannot decode by naming it, and a missing frame', async () => {
    const fullProgression = sharedDataPath('dicom', 'conformance', 'cornerstone', 'CTImage.dcm_JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55.dcm');
    await expect(readSlice(fullProgression)).rejects.toThrow(/JPEG Full Progression \(process 10\/12\) \(1\.2\.840\.10008\.1\.2\.4\.55\) is not one this application decodes/);
    await expect(readSlice(conformance('MR_small.dcm'), 3)).rejects.toThrow(/frame 3 does not exist \(it has 1\)/);
  });
});
