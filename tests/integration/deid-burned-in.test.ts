import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main';
import { deidentifyFiles } from '../../src-main/deid/deidentify-job';
import { heldBackForBurnedIn } from '../../src-main/deid/deidentify-instance';
import { pydicomAvailable, runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir('radstation-deid-burned-');
afterAll(() => temp.cleanup());
const ultrasound = sharedDataPath('dicom', 'conformance', 'pydicom', 'US1_UNCR.dcm');
const cacheDir = path.join(temp.dir, 'cache');

function outputOf(dir: string): string {
  const found: string[] = [];
  const visit = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(path.join(folder, entry.name));
      else found.push(path.join(folder, entry.name));
    }
  };
  visit(dir);
  if (found.length !== 1) throw new Error(`expected one output file in ${dir}, found ${found.length}`);
  return found[0] ?? '';
}

/** Pixels inside and outside the rectangle (x 300-339, y 200-219), compared with the source by pydicom. */
const comparePixels = `
import sys, json, pydicom, numpy as np
source, output = pydicom.dcmread(sys.argv[1]), pydicom.dcmread(sys.argv[2])
a, b = source.pixel_array, output.pixel_array
outside = np.ones(a.shape[:2], bool); outside[200:220, 300:340] = False
codes = [item.CodeValue for item in output.DeidentificationMethodCodeSequence]
print(json.dumps({"insideBlack": bool((b[200:220, 300:340] == 0).all()), "insideWasBlack": bool((a[200:220, 300:340] == 0).all()),
  "outsideSame": bool((a[outside] == b[outside]).all()), "burnedIn": output.get("BurnedInAnnotation"), "codes": codes,
  "method": [str(v) for v in output["DeidentificationMethod"].value] if output["DeidentificationMethod"].VM > 1 else [str(output.DeidentificationMethod)]}))
`;

describe.skipIf(!pydicomAvailable())('Images that may carry burned-in text', () => {
  it('are left out by default, with the reason', async () => {
    const report = await deidentifyFiles({ cacheDir, paths: [ultrasound], outDir: path.join(temp.dir, 'default'), options: [], project: 'p' });
    expect(report.written).toBe(0);
    expect(report.excluded).toEqual([{ path: ultrasound, reason: expect.stringMatching(/burned-in text/) }]);
  });

  it('are included with rectangles blacked out (Clean Pixel Data), and the output says so', async () => {
    const out = path.join(temp.dir, 'cleaned');
    const report = await deidentifyFiles({ cacheDir, paths: [ultrasound], outDir: out, options: [], project: 'p', burnedIn: { cleanRects: [{ x: 300, y: 200, width: 40, height: 20 }] } });
    expect(report.burnedIn).toEqual([{ path: ultrasound, how: 'cleaned' }]);
    const pixels = runPydicom<{ insideBlack: boolean; insideWasBlack: boolean; outsideSame: boolean; burnedIn: string; codes: string[]; method: string[] }>(comparePixels, [ultrasound, outputOf(out)]);
    expect(pixels).toMatchObject({ insideBlack: true, insideWasBlack: false, outsideSame: true, burnedIn: 'NO' });
    expect(pixels.codes).toEqual(['113100', '113101']);
  });

  it('are listed for the dialog with the reason, and cleaned with rectangles given for that image alone', async () => {
    const sop = runPydicom<{ sop: string }>('import sys, json, pydicom\nprint(json.dumps({"sop": pydicom.dcmread(sys.argv[1], stop_before_pixels=True).SOPInstanceUID}))', [ultrasound]).sop;
    expect(heldBackForBurnedIn(fs.readFileSync(ultrasound))).toMatchObject({ sopInstanceUid: sop, modality: 'US', rows: 480, columns: 640, frames: 1, reason: expect.stringMatching(/ultrasound/), cannotClean: null });

    const otherImage = path.join(temp.dir, 'other-image');
    const skipped = await deidentifyFiles({ cacheDir, paths: [ultrasound], outDir: otherImage, options: [], project: 'p', burnedIn: { cleanRectsByInstance: { '1.2.3.4': [{ x: 300, y: 200, width: 40, height: 20 }] } } });
    expect(skipped.written).toBe(0);

    const out = path.join(temp.dir, 'cleaned-per-image');
    // Its own rectangles win over the ones for every flagged image.
    const report = await deidentifyFiles({ cacheDir, paths: [ultrasound], outDir: out, options: [], project: 'p', burnedIn: { cleanRects: [{ x: 0, y: 0, width: 640, height: 480 }], cleanRectsByInstance: { [sop]: [{ x: 300, y: 200, width: 40, height: 20 }] } } });
    expect(report.burnedIn).toEqual([{ path: ultrasound, how: 'cleaned' }]);
    const pixels = runPydicom<{ insideBlack: boolean; outsideSame: boolean; codes: string[] }>(comparePixels, [ultrasound, outputOf(out)]);
    expect(pixels).toMatchObject({ insideBlack: true, outsideSame: true, codes: ['113100', '113101'] });
  });

  it('are included as they are when the user confirms them clean, and the output records it', async () => {
    const out = path.join(temp.dir, 'confirmed');
    const lines: string[] = [];
    const code = await runCli(['deidentify', ultrasound, '--out', out, '--cache', cacheDir, '--confirm-clean', 'all', '--json'], { out: (text) => lines.push(text), err: (text) => lines.push(text) });
    expect(code).toBe(0);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ written: 1, burnedIn: [{ path: ultrasound, how: 'confirmed' }] });
    const pixels = runPydicom<{ insideBlack: boolean; outsideSame: boolean; method: string[]; codes: string[] }>(comparePixels, [ultrasound, outputOf(out)]);
    expect(pixels).toMatchObject({ insideBlack: false, outsideSame: true, codes: ['113100'] });
    expect(pixels.method.join(' ')).toMatch(/confirmed by the user/);
  });

  it('the CLI refuses an unknown option with a usage error and writes nothing', async () => {
    const out = path.join(temp.dir, 'refused');
    const lines: string[] = [];
    const code = await runCli(['deidentify', ultrasound, '--out', out, '--cache', cacheDir, '--option', 'retain-everything'], { out: (text) => lines.push(text), err: (text) => lines.push(text) });
    expect(code).toBe(2);
    expect(lines.join('\n')).toMatch(/unknown de-identification option "retain-everything"/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
