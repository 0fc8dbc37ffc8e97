import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures';
import { sharedDataPath } from '../helpers/shared-data';
import { emptyCache } from './empty-cache';

/**
 * The whole path a student takes in the web host: upload a zip of cases from the
 * browser's computer, watch it import, then find the study and open its series. Real
 * files (the GE head CT, pydicom's MR_small), the real import, a real browser. A browser
 * cannot name paths on the host, so uploading is its only way in.
 */
test.describe('study browser in the web host', () => {
  let junkFolder: string;
  let casesZip: string;
  test.beforeAll(() => {
    junkFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-e2e-junk-'));
    fs.writeFileSync(path.join(junkFolder, 'not-dicom.dcm'), 'this is not a DICOM file\n'.repeat(20));
    // The zip a student would make of the cases folder, made with Python's zipfile, not by the code under test.
    casesZip = path.join(junkFolder, 'cases.zip');
    const sources = [sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'), sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm'), path.join(junkFolder, 'not-dicom.dcm')];
    execFileSync('python3', [
      '-c',
      'import os, sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n  for src in sys.argv[2:]:\n    if os.path.isdir(src):\n      for name in sorted(os.listdir(src)): z.write(os.path.join(src, name), os.path.join(os.path.basename(src), name))\n    else: z.write(src, os.path.basename(src))',
      casesZip,
      ...sources,
    ]);
  });
  test.afterAll(() => fs.rmSync(junkFolder, { recursive: true, force: true }));
  test.afterEach(async ({ webHost }) => emptyCache(webHost));

  test('imports an uploaded zip through the UI, then searches, filters, sorts and opens series', async ({ page, webHost }) => {
    await page.goto(webHost.url);
    await expect(page.getByTestId('studies-empty')).toBeVisible();

    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import studies' });
    await expect(dialog).toBeVisible();
    // No field for host paths in a browser: only the upload.
    await expect(dialog.locator('textarea')).toHaveCount(0);
    await dialog.getByLabel('Upload files or zips').setInputFiles(casesZip);

    const report = page.getByRole('dialog', { name: 'Import finished' });
    await expect(report).toBeVisible({ timeout: 60_000 });
    await expect(report.getByTestId('import-count-new')).toHaveText('29');
    await expect(report.getByTestId('import-count-studies')).toHaveText('2');
    await expect(report.getByTestId('import-count-failed')).toHaveText('1');
    const failures = report.getByRole('table', { name: 'Failed files' });
    await expect(failures.getByRole('row')).toHaveCount(2);
    // Named inside the upload, never by where the host staged it.
    await expect(failures).toContainText('cases.zip!/not-dicom.dcm');
    await expect(failures).not.toContainText(webHost.cacheDir);
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
    await dialog.getByLabel('Upload files or zips').setInputFiles(sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm'));
    const report = page.getByRole('dialog', { name: 'Import finished' });
    await expect(report).toBeVisible({ timeout: 60_000 });
    await expect(report.getByTestId('import-count-new')).toHaveText('1');
    await report.getByRole('button', { name: 'Close' }).click();
    await expect(page.locator('tr.study-row')).toHaveCount(1);
    await expect(page.locator('tr.study-row').first()).toContainText('CompressedSamples MR1');
  });

  test('reports an uploaded file that is not DICOM by its own name, losing nothing', async ({ page, webHost }) => {
    await page.goto(webHost.url);
    const before = await page.locator('tr.study-row').count();
    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import studies' });
    await dialog.getByLabel('Upload files or zips').setInputFiles(path.join(junkFolder, 'not-dicom.dcm'));
    const report = page.getByRole('dialog', { name: /Import (finished|failed)/ });
    await expect(report).toBeVisible({ timeout: 60_000 });
    await expect(report).toContainText('not-dicom.dcm');
    await expect(report).not.toContainText(webHost.cacheDir);
    await expect(report.getByTestId('import-count-new')).toHaveText('0');
    await report.getByRole('button', { name: 'Close' }).click();
    await expect(page.locator('tr.study-row')).toHaveCount(before);
  });
});
