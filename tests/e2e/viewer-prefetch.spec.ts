import { sharedDataPath } from '../helpers/shared-data';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { importLinked, studyUidOf } from './cli-import';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { openStudy } from './viewer-page';

/**
 * Issue 14: scrolling never stalls on a slice still loading. A slice the reader jumps to while the
 * rest of the series is being fetched arrives ahead of that prefetch, not behind the whole series.
 */
const mrFolder = sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens');

test.describe.serial('prefetch while reading', () => {
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  test('a slice jumped to during the prefetch is shown before most of the series has loaded', async ({ page, webHost }) => {
    importLinked(webHost, [mrFolder]);
    const studyUid = studyUidOf(dicomFilesIn(mrFolder)[0] ?? '');
    await openStudy(page, webHost.url, studyUid);
    await page.getByTestId('viewport-vp-0').click();
    const jump = await page.evaluate(async () => {
      const hooks = window.radstationViewer;
      if (!hooks) throw new Error('no viewer API');
      const before = hooks.loadedCount('vp-0');
      await hooks.scrollTo(before.total - 1);
      return { before, after: hooks.loadedCount('vp-0') };
    });
    // The series has 176 slices; the prefetch may take a few in flight meanwhile, not the series.
    expect(jump.before.total).toBe(176);
    expect(jump.before.loaded).toBeLessThan(100);
    expect(jump.after.loaded - jump.before.loaded).toBeLessThanOrEqual(30);
    await expect(page.getByTestId('overlay-slice').first()).toHaveText('Im 176/176');
  });
});
