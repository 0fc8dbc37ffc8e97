import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures';
import { sharedDataPath } from '../helpers/shared-data';
import { emptyCache } from './empty-cache';

/**
 * The whole path a teacher takes in the web host: type a folder on the host machine
 * into the import dialog, watch it import, then find the study and open its series.
 * Real files (the GE head CT, pydicom's MR_small), the real import, a real browser.
 */
test.describe('study browser in the web host', () => {
  let junkFolder: string;
  test.beforeAll(() => {
    junkFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-e2e-junk-'));
    fs.writeFileSync(path.join(junkFolder, 'not-dicom.dcm'), 'this is not a DICOM file\n'.repeat(20));
  });
  test.afterAll(() => fs.rmSync(junkFolder, { recursive: true, force: true }));
  test.afterEach(async ({ webHost }) => emptyCache(webHost));

  test('imports a folder through the UI, then searches, filters, sorts and opens series', async ({ page, webHost }) => {
    await page.goto(webHost.url);
    await expect(page.getByTestId('studies-empty')).toBeVisible();

    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import studies' });
    await expect(dialog).toBeVisible();
    await dialog
      .getByLabel(/on the host machine/)
      .fill([sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'), sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm'), junkFolder].join('\n'));
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();

    const report = page.getByRole('dialog', { name: 'Import finished' });
    await expect(report).toBeVisible({ timeout: 60_000 });
    await expect(report.getByTestId('import-count-new')).toHaveText('29');
    await expect(report.getByTestId('import-count-studies')).toHaveText('2');
    await expect(report.getByTestId('import-count-failed')).toHaveText('1');
    const failures = report.getByRole('table', { name: 'Failed files' });
    await expect(failures.getByRole('row')).toHaveCount(2);
    await expect(failures).toContainText('not-dicom.dcm');
    await page.screenshot({ path: 'test-results/study-browser-import-report.png' });
    await report.getByRole('button', { name: 'Close' }).click();

    // The list refreshed on studies.changed, without a reload.
    const rows = page.locator('tr.study-row');
    await expect(rows).toHaveCount(2);

    await page.getByLabel('Search studies').fill('compressedsamp');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('CompressedSamples MR1');
    await page.getByLabel('Search studies').fill('');
    await expect(rows).toHaveCount(2);

    await page.getByLabel('Modality').selectOption('CT');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('QMNx85rKkkg');
    await expect(rows.first().locator('td').last()).toHaveText('28');

    await page.getByRole('button', { name: 'Show series of REMOVED' }).click();
    const series = page.getByRole('list', { name: 'Series' });
    await expect(series.getByRole('listitem')).toHaveCount(1);
    await expect(series).toContainText('28 images');
    await expect(series).toContainText('CT');
    const thumbnail = series.getByRole('img', { name: /Thumbnail of series 2/ });
    await expect(thumbnail).toBeVisible();
    await expect.poll(() => thumbnail.evaluate((image: HTMLImageElement) => [image.naturalWidth, image.naturalHeight])).toEqual([128, 128]);
    await page.screenshot({ path: 'test-results/study-browser-series.png' });

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(rows).toHaveCount(2);
    // Newest first by default: the dated MR before the undated CT; sorting by patient puts REMOVED last too, and reversing flips it.
    await expect(rows.first()).toContainText('CompressedSamples MR1');
    await page.getByRole('button', { name: 'Patient', exact: true }).click();
    await expect(page.getByRole('columnheader', { name: /^Patient/ }).first()).toHaveAttribute('aria-sort', 'ascending');
    await expect(rows.first()).toContainText('CompressedSamples MR1');
    await page.getByRole('button', { name: 'Patient', exact: true }).click();
    await expect(page.getByRole('columnheader', { name: /^Patient/ }).first()).toHaveAttribute('aria-sort', 'descending');
    await expect(rows.first()).toContainText('REMOVED');

    // Delete the CT (copied on import): asked first, then gone from the list.
    // The CT's row is still open from before: expansion survives filtering and sorting.
    await expect(page.getByRole('button', { name: 'Hide series of REMOVED' })).toHaveAttribute('aria-expanded', 'true');
    await page.getByRole('button', { name: 'Delete study…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete study' });
    await expect(confirm).toContainText('linked files stay where they are');
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('CompressedSamples MR1');
    // The shared originals it was copied from are untouched.
    expect(fs.readdirSync(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'))).toHaveLength(28);
  });

  test('uploads a file from the browser computer to the web host and imports it', async ({ page, webHost }) => {
    await page.goto(webHost.url);
    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import studies' });
    await dialog.getByLabel('Upload a file or zip').setInputFiles(sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm'));
    const report = page.getByRole('dialog', { name: 'Import finished' });
    await expect(report).toBeVisible({ timeout: 60_000 });
    await expect(report.getByTestId('import-count-new')).toHaveText('1');
    await report.getByRole('button', { name: 'Close' }).click();
    await expect(page.locator('tr.study-row')).toHaveCount(1);
    await expect(page.locator('tr.study-row').first()).toContainText('CompressedSamples MR1');
  });

  test('reports a path that does not exist on the host, losing nothing', async ({ page, webHost }) => {
    await page.goto(webHost.url);
    const before = await page.locator('tr.study-row').count();
    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import studies' });
    await dialog.getByLabel(/on the host machine/).fill(path.join(junkFolder, 'no-such-folder'));
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    const report = page.getByRole('dialog', { name: /Import (finished|failed)/ });
    await expect(report).toBeVisible({ timeout: 60_000 });
    await expect(report).toContainText('no-such-folder');
    await expect(report.getByTestId('import-count-new')).toHaveText('0');
    await report.getByRole('button', { name: 'Close' }).click();
    await expect(page.locator('tr.study-row')).toHaveCount(before);
  });
});
