import type { Page } from '@playwright/test';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { sharedDataPath } from '../helpers/shared-data';
import { importLinked, studyUidOf } from './cli-import';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';

/**
 * A reader opens study after study without reloading the page. Each open used to make new
 * WebGL contexts that the browser caps (Chromium keeps about 16) and frees only when collected,
 * so after some twenty opens the oldest, the thumbnails' among them, were lost: every
 * thumbnail rendered black until a reload. Two real studies, opened alternately 30 times.
 */
const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));
const mrFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens')).sort().slice(80, 84);
const opens = 30;

/** How many pixels of the viewer's first series thumbnail are not black (it is a 2D canvas, so it can be read). */
async function litThumbnailPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('canvas.series-thumbnail');
    const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
    if (!data) return 0;
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0) > 30) lit += 1;
    return lit;
  });
}

test.describe('thumbnails after many study opens', () => {
  const studies = [studyUidOf(ctFiles[0] ?? ''), studyUidOf(mrFiles[0] ?? '')];
  test.beforeAll(({ webHost }) => {
    importLinked(webHost, [...ctFiles, ...mrFiles]);
  });
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  test(`the series thumbnails still render after ${opens} study opens in a row`, async ({ page, webHost }) => {
    test.setTimeout(600_000);
    await page.goto(webHost.url);
    for (let open = 0; open < opens; open++) {
      const studyUid = studies[open % studies.length] ?? '';
      await page.locator(`tr[data-study-uid="${studyUid}"]`).dblclick();
      await expect(page.getByTestId('viewer')).toBeVisible();
      await expect(page.getByTestId('overlay-slice').first()).toHaveText(/^Im 1\/\d+$/);
      // A thumbnail shows the image: a head is mostly dark, but far from all black.
      await expect.poll(() => litThumbnailPixels(page), { message: `the thumbnail renders at open ${open + 1}` }).toBeGreaterThan(500);
      await page.getByRole('button', { name: '← Studies' }).click();
      await expect(page.locator(`tr[data-study-uid="${studyUid}"]`)).toBeVisible();
    }
  });
});
