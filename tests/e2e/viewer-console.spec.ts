import { sharedDataPath } from '../helpers/shared-data';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { importLinked, studyUidOf } from './cli-import';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { openStudy } from './viewer-page';

/** Reading a 512² T1 MR leaves the browser console clean: no error for a valid file. */
const mrFolder = sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens');

test.describe.serial('the console while reading an MR', () => {
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  test('scrolling through MR slices logs no error', async ({ page, webHost }) => {
    importLinked(webHost, [mrFolder]);
    const studyUid = studyUidOf(dicomFilesIn(mrFolder)[0] ?? '');
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await openStudy(page, webHost.url, studyUid);
    await page.getByTestId('viewport-vp-0').click();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('overlay-slice').first()).toHaveText(/^Im 6\/\d+$/);
    // Let the prefetch parse more slices in the background.
    await expect.poll(async () => (await page.evaluate(() => window.radstationViewer?.loadedCount('vp-0')))?.loaded ?? 0).toBeGreaterThan(10);
    expect(errors, errors.slice(0, 5).join('\n')).toEqual([]);
  });
});
