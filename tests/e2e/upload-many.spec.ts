import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedDataPath } from '../helpers/shared-data';
import { studyUidOf } from './cli-import';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';

/**
 * Uploading from the browser as a reader with a CD does: several files at once, files with
 * no extension (a CD's I10, I11), and a whole folder. Each pick is one import with one report.
 */
test.describe('uploading several files and folders from the browser', () => {
  let cdFolder = '';
  test.beforeAll(() => {
    cdFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-e2e-cd-'));
    fs.copyFileSync(sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm'), path.join(cdFolder, 'I10'));
    fs.copyFileSync(sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm'), path.join(cdFolder, 'I11'));
  });
  test.afterAll(() => fs.rmSync(cdFolder, { recursive: true, force: true }));
  test.afterEach(async ({ webHost }) => emptyCache(webHost));

  test('two files without an extension, picked together, import as one batch', async ({ page, webHost }) => {
    await page.goto(webHost.url);
    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import studies' });
    await dialog.getByLabel('Upload files or zips').setInputFiles([path.join(cdFolder, 'I10'), path.join(cdFolder, 'I11')]);
    const report = page.getByRole('dialog', { name: 'Import finished' });
    await expect(report).toBeVisible({ timeout: 60_000 });
    await expect(report.getByTestId('import-count-new')).toHaveText('2');
    await expect(report.getByTestId('import-count-studies')).toHaveText('2');
    await expect(report.getByTestId('import-count-failed')).toHaveText('0');
    await report.getByRole('button', { name: 'Close' }).click();
    await expect(page.locator(`tr[data-study-uid="${studyUidOf(path.join(cdFolder, 'I10'))}"]`)).toBeVisible();
    await expect(page.locator(`tr[data-study-uid="${studyUidOf(path.join(cdFolder, 'I11'))}"]`)).toBeVisible();
  });

  test('a folder imports whole', async ({ page, webHost }) => {
    const folder = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
    const files = fs.readdirSync(folder).filter((name) => fs.statSync(path.join(folder, name)).isFile());
    await page.goto(webHost.url);
    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import studies' });
    await dialog.getByLabel('Upload a folder').setInputFiles(folder);
    const report = page.getByRole('dialog', { name: 'Import finished' });
    await expect(report).toBeVisible({ timeout: 90_000 });
    await expect(report.getByTestId('import-count-new')).toHaveText(String(files.length));
    await expect(report.getByTestId('import-count-studies')).toHaveText('1');
    await report.getByRole('button', { name: 'Close' }).click();
    const row = page.locator(`tr[data-study-uid="${studyUidOf(path.join(folder, files[0] ?? ''))}"]`);
    await expect(row.locator('td').last()).toHaveText(String(files.length));
  });
});
