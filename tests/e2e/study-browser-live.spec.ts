import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { sharedDataPath } from '../helpers/shared-data';
import { importLinked, studyUidOf } from './cli-import';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';

/**
 * The study list keeps up with the cache when something else changes it: the reader has the
 * browser open while the CLI, another process, imports into the same cache. No reload, no
 * click: the list follows through the contract's studies.changed event.
 */
test.describe('the study list follows the cache', () => {
  test.afterEach(async ({ webHost }) => emptyCache(webHost));

  test('studies imported by the CLI, another process, appear without a reload', async ({ page, webHost }) => {
    const file = sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm');
    const studyUid = studyUidOf(file);
    await page.goto(webHost.url);
    await expect(page.getByTestId('studies-empty')).toBeVisible();

    // Another process: the CLI, importing into the cache the host serves.
    expect(importLinked(webHost, [file]).instances).toBe(1);
    await expect(page.locator(`tr[data-study-uid="${studyUid}"]`)).toBeVisible({ timeout: 10_000 });

    // And a second study, imported while the first is listed, joins it.
    const ct = path.join(sharedDataPath('dicom', 'conformance', 'pydicom'), 'CT_small.dcm');
    importLinked(webHost, [ct]);
    await expect(page.locator(`tr[data-study-uid="${studyUidOf(ct)}"]`)).toBeVisible({ timeout: 10_000 });
    // The listing the CLI prints agrees with what the page shows.
    const listed = JSON.parse(execFileSync(process.execPath, webHost.cliArgs(['studies', '--json']), { encoding: 'utf8' })) as { studies: unknown[] };
    await expect(page.locator('tr[data-study-uid]')).toHaveCount(listed.studies.length);
  });
});
