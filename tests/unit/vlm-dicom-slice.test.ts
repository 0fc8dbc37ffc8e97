import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDicomSlice } from '../../src-main/inference/vlm/dicom-slice';
import { sharedDataDir } from '../helpers/shared-data';

const ctSlice = `${sharedDataDir}/dicom/series/ct-head-ge-tilted/01.dcm`;
const missing = fs.existsSync(ctSlice) ? undefined : `shared test data not found at ${ctSlice}`;
if (missing) console.log(`vlm-dicom-slice tests skipped: ${missing}`);

describe.skipIf(missing !== undefined)('reading a DICOM slice for the VLM', () => {
  it('applies the file window to a real 512×512 head CT', () => {
    const { image, window } = readDicomSlice(ctSlice);
    expect([image.width, image.height, image.channels]).toEqual([512, 512, 1]);
    expect(image.data).toHaveLength(512 * 512);
    expect(window.width).toBeGreaterThan(0);
    // Air outside the head is black; bone is white in any brain window.
    expect(image.data[0]).toBe(0);
    expect(image.data.reduce((m, v) => Math.max(m, v), 0)).toBe(255);
  });

  it('uses a given window: a very wide one leaves no pixel saturated white', () => {
    const narrow = readDicomSlice(ctSlice, { center: 40, width: 80 }).image.data.filter((v) => v === 255).length;
    const wide = readDicomSlice(ctSlice, { center: 0, width: 20000 }).image.data.filter((v) => v === 255).length;
    expect(narrow).toBeGreaterThan(1000);
    expect(wide).toBe(0);
  });
});
