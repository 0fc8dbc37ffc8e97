import { expect, test } from './fixtures';
import { sharedDataPath } from '../helpers/shared-data';
import { importLinked } from './cli-import';
import { emptyCache } from './empty-cache';

/**
 * A teacher prepares a case for students: with the head CT imported, opens "De-identify…", ticks an
 * option, previews what the first slice's attributes become, and puts a de-identified copy in
 * the cache, which appears as a second study with no patient name.
 */
test.describe('de-identify a study from the study browser', () => {
  test.afterEach(async ({ webHost }) => emptyCache(webHost));

  test('previews the attributes, then adds a de-identified copy to the cache', async ({ page, webHost }) => {
    // A browser cannot name paths on the host (it uploads): the study comes in through the CLI, as a clinic's import would.
    importLinked(webHost, [sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')]);
    await page.goto(webHost.url);

    const rows = page.locator('tr.study-row');
    await expect(rows).toHaveCount(1);
    await page.getByRole('button', { name: /Show series of/ }).click();
    await page.getByRole('button', { name: 'De-identify…' }).click();
    const dialog = page.getByRole('dialog', { name: 'De-identify study' });
    await dialog.getByLabel('retain-long-modified-dates').check();
    await dialog.getByRole('button', { name: 'Preview' }).click();
    const preview = dialog.getByRole('table', { name: 'Preview of one instance' });
    const nameRow = preview.getByRole('row').filter({ hasText: "Patient's Name" });
    await expect(nameRow).toContainText('Z');
    await expect(preview.getByRole('row').filter({ hasText: 'Study Date' })).toContainText('C');

    await dialog.getByRole('button', { name: 'De-identify', exact: true }).click();
    await expect(dialog.getByTestId('deidentify-written')).toHaveText('28', { timeout: 60_000 });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(rows).toHaveCount(2);
  });
});
