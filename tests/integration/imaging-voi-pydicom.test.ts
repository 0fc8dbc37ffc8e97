import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fullRangeWindow } from '../../src-shared/imaging/auto-window';
import { voiToGrey } from '../../src-shared/imaging/voi';
import { readSlice } from '../../src-main/inference/pixels/dicom-pixels';
import { readDicomSlice } from '../../src-main/inference/vlm/dicom-slice';
import { loadDisplayedImage } from '../../src-main/inference/vqa/displayed-image';
import { readDicomFile } from '../../src-main/dicom/read-file';
import { renderFrame } from '../../src-main/studies/thumbnails/render-frame';
import { pydicomUnavailable, pythonWithPydicom } from '../helpers/pydicom';
import { sharedDataDir } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The shared VOI maths (src-shared/imaging) against pydicom's apply_modality_lut, apply_windowing
 * and apply_voi, on a real GE head CT rewritten with each VOI LUT Function, a rescale, MONOCHROME1,
 * a width the standard does not allow, and a VOI LUT Sequence with a negative first value; and on
 * the real OFFIS VOI LUT test file (vlut_04.dcm), as it is and with a curved table. Every process
 * path that turns a slice into grey is checked: thumbnails, HealthGPT's input and the closed-question models' input.
 */
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'voi_reference.py');
const ctFile = `${sharedDataDir}/dicom/series/ct-head-ge-tilted/01.dcm`;
const vlutFile = `${sharedDataDir}/dicom/conformance/pydicom/vlut_04.dcm`;
const missing = [ctFile, vlutFile].find((file) => !fs.existsSync(file));
const skipReason = missing ? `shared test data not found at ${missing}` : pydicomUnavailable();
if (skipReason) console.log(`imaging VOI tests against pydicom skipped: ${skipReason}`);

interface Variant {
  name: string;
  path: string;
  levelsPath: string;
}

describe.skipIf(skipReason !== undefined)('VOI output against pydicom on real files', () => {
  const temp = makeTempDir('radstation-voi-');
  afterAll(() => temp.cleanup());
  const variants = skipReason ? [] : (JSON.parse(execFileSync(pythonWithPydicom, [script, ctFile, vlutFile, temp.dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })) as Variant[]);

  /** Each grey level must be pydicom's level × 255 rounded to the nearest (MONOCHROME1 already inverted in the reference). */
  function expectMatches(grey: Uint8Array, levelsPath: string): void {
    const bytes = fs.readFileSync(levelsPath);
    const levels = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
    expect(grey).toHaveLength(levels.length);
    let worst = 0;
    for (let i = 0; i < levels.length; i += 1) worst = Math.max(worst, Math.abs(grey[i]! - levels[i]! * 255));
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-6);
  }

  it.each(['linear', 'linear-exact', 'sigmoid', 'sigmoid-rescaled-monochrome1', 'width-below-one', 'voi-lut-sequence', 'voi-lut-curved', 'voi-lut-signed-first'])(
    '%s: thumbnails, the VLM input and the closed-question input all show pydicom’s levels',
    async (name) => {
      const variant = variants.find((item) => item.name === name)!;
      const thumbnail = await renderFrame(readDicomFile(new Uint8Array(fs.readFileSync(variant.path))).dataSet);
      expectMatches(thumbnail.pixels, variant.levelsPath);
      expectMatches((await readDicomSlice(variant.path)).image.data, variant.levelsPath);
      expectMatches((await loadDisplayedImage(variant.path)).pixels, variant.levelsPath);
    },
  );

  it('the curved table is not the full-range window: ignoring the VOI LUT would fail the comparison', async () => {
    const variant = variants.find((item) => item.name === 'voi-lut-curved')!;
    const { image, voi } = await readDicomSlice(variant.path);
    expect(voi.kind).toBe('lut');
    const slice = await readSlice(variant.path);
    const ignoringTheLut = voiToGrey(slice.stored, { kind: 'window', window: fullRangeWindow(slice.stored) });
    let differing = 0;
    for (let i = 0; i < image.data.length; i += 1) if (Math.abs(image.data[i]! - ignoringTheLut[i]!) > 1) differing += 1;
    expect(differing).toBeGreaterThan(image.data.length / 2);
  });
});
