import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { pythonWithPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { importLinked } from './cli-import';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';

/**
 * The study browser with the files a clinic really has: a legacy date (1993.04.30, ACR-NEMA style),
 * a 64-character patient ID. The study is written here with pydicom from a real CT slice.
 */
const ctFile = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'))[0] ?? '';
const longId = 'ID-' + 'X'.repeat(57) + '-END'; // 64 characters, LO's maximum

test.describe.serial('study browser on odd but real headers', () => {
  let folder = '';
  let studyUid = '';
  let seriesUid = '';

  test.beforeAll(({ webHost }) => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-legacy-'));
    const script = `
import sys, pydicom
from pydicom.uid import generate_uid
ds = pydicom.dcmread(sys.argv[1])
ds.StudyInstanceUID = generate_uid(); ds.SeriesInstanceUID = generate_uid(); ds.SOPInstanceUID = generate_uid()
ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
ds.StudyDate = '1993.04.30'
ds.PatientID = sys.argv[3]
ds.PatientName = 'Legacy^Date'
ds.save_as(sys.argv[2])
print(ds.StudyInstanceUID, ds.SeriesInstanceUID)
`;
    const out = execFileSync(pythonWithPydicom, ['-c', script, ctFile, path.join(folder, 'I10'), longId], { encoding: 'utf8' }).trim().split(/\s+/);
    studyUid = out[0] ?? '';
    seriesUid = out[1] ?? '';
    importLinked(webHost, [folder]);
  });
  test.afterAll(async ({ webHost }) => {
    await emptyCache(webHost);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('a legacy date shows as a date, a long ID is cut with an ellipsis, and double-clicking a series opens it', async ({ page, webHost }) => {
    await page.goto(webHost.url);
    const row = page.locator(`tr[data-study-uid="${studyUid}"]`);
    await expect(row).toBeVisible();
    await expect(row.locator('td').nth(3)).toHaveText('1993-04-30');
    const idCell = row.locator('td').nth(2);
    await expect(idCell).toHaveAttribute('title', longId);
    // Cut, not wrapped: one line, narrower than its text.
    const { clientWidth, scrollWidth, lines } = await idCell.evaluate((cell) => {
      const inner = (cell.firstElementChild as HTMLElement | null) ?? cell;
      const height = parseFloat(getComputedStyle(inner).lineHeight) || 18;
      return { clientWidth: inner.clientWidth, scrollWidth: inner.scrollWidth, lines: Math.round(inner.getBoundingClientRect().height / height) };
    });
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    expect(lines).toBeLessThanOrEqual(1);
    const dateBox = await row.locator('td').nth(3).boundingBox();
    expect(dateBox?.height ?? 0, 'the date stays on one line').toBeLessThan(40);

    await row.click();
    await page.locator(`li.series-card[data-series-uid="${seriesUid}"]`).dblclick();
    await expect(page.getByTestId('viewer')).toBeVisible();
    await expect(page.getByTestId('viewport-vp-0')).toHaveAttribute('data-series-uid', seriesUid);
  });
});
