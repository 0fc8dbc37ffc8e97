import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDicomSlice } from '../../src-main/inference/vlm/dicom-slice';
import { sharedDataDir } from '../helpers/shared-data';

const ctSlice = `${sharedDataDir}/dicom/series/ct-head-ge-tilted/01.dcm`;
const missing = fs.existsSync(ctSlice) ? undefined : `shared test data not found at ${ctSlice}`;
if (missing) console.log(`vlm-dicom-slice tests skipped: ${missing}`);

describe.skipIf(missing !== undefined)('reading a DICOM slice for the VLM', () => {
  it('applies the file window to a real 512×512 head CT', async () => {
    const { image, window } = await readDicomSlice(ctSlice);
    expect([image.width, image.height, image.channels]).toEqual([512, 512, 1]);
    expect(image.data).toHaveLength(512 * 512);
    expect(window?.width).toBeGreaterThan(0);
    // Air outside the head is black; bone is white in any brain window.
    expect(image.data[0]).toBe(0);
    expect(image.data.reduce((m, v) => Math.max(m, v), 0)).toBe(255);
  });

  it('uses a given window: a very wide one leaves no pixel saturated white', async () => {
    const narrow = (await readDicomSlice(ctSlice, { center: 40, width: 80 })).image.data.filter((v) => v === 255).length;
    const wide = (await readDicomSlice(ctSlice, { center: 0, width: 20000 })).image.data.filter((v) => v === 255).length;
    expect(narrow).toBeGreaterThan(1000);
    expect(wide).toBe(0);
  });

  it('reads compressed files: three lossless codings of WG04 MR1 (JPEG 2000, RLE, JPEG lossless) give the same picture', async () => {
    const wg04 = `${sharedDataDir}/dicom/conformance/wg04`;
    const window = { center: 600, width: 1200 };
    const [j2k, rle, jpegLossless] = await Promise.all(['J2KR/MR1_J2KR', 'RLE/MR1_RLE', 'JPLL/MR1_JPLL'].map((file) => readDicomSlice(`${wg04}/${file}`, window)));
    expect([j2k!.image.width, j2k!.image.height]).toEqual([512, 512]);
    // Not a flat picture: the window spreads the MR over many grey levels.
    expect(new Set(j2k!.image.data).size).toBeGreaterThan(100);
    expect(Buffer.from(rle!.image.data).equals(Buffer.from(j2k!.image.data))).toBe(true);
    expect(Buffer.from(jpegLossless!.image.data).equals(Buffer.from(j2k!.image.data))).toBe(true);
  });
});
