import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { pydicomUnavailable, pythonWithPydicom } from '../helpers/pydicom';
import { makeTempDir } from '../helpers/temp-dir';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { importLinked, studyUidOf } from './cli-import';
import { dragOnViewport, openStudy } from './viewer-page';

/**
 * A VOI LUT Sequence (0028,3010) is the file's own grey curve: a mammogram or a CR may carry it
 * instead of, or beside, a window. pydicom writes a 256×256 image of 16 vertical bands of
 * constant value, with a curved 12-bit LUT and a window that would draw another picture; its
 * apply_voi_lut (which prefers the LUT, as the viewer does) gives each band's expected grey.
 * The viewer's canvas at each band's centre must show that grey.
 */
const skip = pydicomUnavailable();
test.skip(skip !== undefined, `needs pydicom and numpy: ${skip}`);

const write = `
import sys, json, numpy as np, pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import generate_uid, ExplicitVRLittleEndian
from pydicom.pixel_data_handlers.util import apply_voi_lut
out = sys.argv[1]
ds = Dataset()
ds.file_meta = FileMetaDataset()
ds.file_meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.7'
ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
ds.SOPInstanceUID = generate_uid(); ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds.is_little_endian = True; ds.is_implicit_VR = False
ds.StudyInstanceUID = generate_uid(); ds.SeriesInstanceUID = generate_uid()
ds.PatientName = 'VOI^LUT'; ds.PatientID = 'VOILUT1'; ds.Modality = 'OT'; ds.StudyDescription = 'VOI LUT Sequence'
ds.SeriesNumber = 1; ds.InstanceNumber = 1
ds.Rows = 256; ds.Columns = 256; ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = 'MONOCHROME2'
ds.BitsAllocated = 16; ds.BitsStored = 12; ds.HighBit = 11; ds.PixelRepresentation = 0
band_values = [int(v) for v in np.linspace(100, 3900, 16)]
pixels = np.zeros((256, 256), dtype=np.uint16)
for b, v in enumerate(band_values): pixels[:, b * 16:(b + 1) * 16] = v
ds.PixelData = pixels.tobytes()
# A curve over 500…3499: dark below, a square-root rise, white above; 12-bit output.
first, count = 500, 3000
x = np.arange(count) / (count - 1)
lut = Dataset()
lut.LUTDescriptor = [count, first, 12]
lut.LUTExplanation = 'SQRT CURVE'
lut.add_new(0x00283006, 'US', [int(round(v)) for v in np.sqrt(x) * 4095])
ds.VOILUTSequence = [lut]
ds.WindowCenter = 2000; ds.WindowWidth = 400
ds.save_as(out, write_like_original=False)
back = pydicom.dcmread(out)
shown = apply_voi_lut(back.pixel_array, back)
print(json.dumps({'bands': [{'column': b * 16 + 8, 'grey': float(shown[128, b * 16 + 8]) / 4095 * 255} for b in range(16)]}))
`;

async function greyAtImagePixel(page: Page, column: number, row: number): Promise<number> {
  return page.evaluate(([c, r]) => {
    const point = window.radstationViewer?.canvasPointOfImagePixel(c, r);
    const canvas = document.querySelector<HTMLCanvasElement>('[data-viewport-id="vp-0"] canvas');
    if (!point || !canvas) return NaN;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d');
    if (!context) return NaN;
    context.drawImage(canvas, 0, 0);
    const scale = canvas.width / canvas.clientWidth;
    const data = context.getImageData(Math.round(point[0] * scale), Math.round(point[1] * scale), 1, 1).data;
    return ((data[0] ?? 0) + (data[1] ?? 0) + (data[2] ?? 0)) / 3;
  }, [column, row] as const);
}

test.describe.serial('the VOI LUT Sequence in the viewer', () => {
  const temp = makeTempDir('radstation-voi-lut-e2e-');
  const file = path.join(temp.dir, 'voi-lut.dcm');
  let bands: { column: number; grey: number }[] = [];

  test.beforeAll(({ webHost }) => {
    bands = (JSON.parse(execFileSync(pythonWithPydicom, ['-c', write, file], { encoding: 'utf8' })) as { bands: typeof bands }).bands;
    expect(importLinked(webHost, [file]).instances).toBe(1);
  });
  test.afterAll(async ({ webHost }) => {
    await emptyCache(webHost);
    temp.cleanup();
  });

  test("each band shows the grey pydicom's apply_voi_lut gives it, and the overlay names the LUT", async ({ page, webHost }) => {
    await openStudy(page, webHost.url, studyUidOf(file));
    await expect(page.getByTestId('overlay-window').first()).toContainText('VOI LUT');
    // Below the LUT's first input the output is its first entry (black); above its last, white.
    expect(bands[0]?.grey).toBe(0);
    expect(bands[15]?.grey).toBe(255);
    const measure = async () => Promise.all(bands.map(async (band) => ({ ...band, shown: await greyAtImagePixel(page, band.column, 128) })));
    await expect.poll(async () => Math.max(...(await measure()).map((b) => Math.abs(b.shown - b.grey))), { message: 'every band within 3 grey levels of pydicom' }).toBeLessThanOrEqual(3);
    console.log(`band greys (pydicom → viewer): ${(await measure()).map((b) => `${b.grey.toFixed(1)}→${b.shown.toFixed(0)}`).join(' ')}`);

    // A window the reader drags replaces the LUT with a linear ramp, and the overlay says which window.
    await page.getByRole('button', { name: 'W/L', exact: true }).click();
    await dragOnViewport(page, [0.5, 0.5], [0.6, 0.55]);
    await expect(page.getByTestId('overlay-window').first()).toHaveText(/^W \d+ L -?\d+/);
    const window = /^W (\d+) L (-?\d+)/.exec((await page.getByTestId('overlay-window').first().textContent()) ?? '');
    const [width, centre] = [Number(window?.[1]), Number(window?.[2])];
    const linear = (value: number) => 255 * Math.min(1, Math.max(0, (value - (centre - width / 2)) / width));
    // Each band's stored value, as pydicom wrote it (np.linspace(100, 3900, 16) rounded down).
    const values = bands.map((_, b) => Math.floor(100 + (3800 * b) / 15));
    await expect.poll(async () => Math.max(...(await measure()).map((b, i) => Math.abs(b.shown - linear(values[i] ?? NaN)))), { message: 'the bands follow the linear window' }).toBeLessThanOrEqual(4);
  });
});
