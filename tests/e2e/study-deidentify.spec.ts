import fs from 'node:fs';
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
    // The copy carries the cache's de-identified mark, and the filter finds only it.
    await expect(page.getByTestId('deidentified-badge')).toHaveCount(1);
    await page.getByLabel('De-identified only').check();
    await expect(rows).toHaveCount(1);
    await expect(rows.first().getByTestId('deidentified-badge')).toBeVisible();
  });
});

/**
 * A clinic sends a case to a colleague: "Download as a zip" with a DICOMDIR gives the browser's own
 * download, fetched from the host's authenticated file route; the cache keeps only the original.
 */
test.describe('download a de-identified study as a zip', () => {
  test.afterEach(async ({ webHost }) => emptyCache(webHost));

  test('downloads a zip with a DICOMDIR and de-identified files, and adds nothing to the cache', async ({ page, webHost }) => {
    importLinked(webHost, [sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')]);
    await page.goto(webHost.url);
    const rows = page.locator('tr.study-row');
    await expect(rows).toHaveCount(1);
    await page.getByRole('button', { name: /Show series of/ }).click();
    await page.getByRole('button', { name: 'De-identify…' }).click();
    const dialog = page.getByRole('dialog', { name: 'De-identify study' });
    await dialog.getByLabel('Download as a zip').check();
    await expect(dialog.getByLabel('With a DICOMDIR (for CD/USB media)')).toBeChecked();

    const downloading = page.waitForEvent('download', { timeout: 90_000 });
    await dialog.getByRole('button', { name: 'De-identify', exact: true }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^deidentified-[0-9a-f]{8}\.zip$/);
    const zip = await fs.promises.readFile(await download.path());
    const names = zipEntryNames(zip);
    expect(names[0]).toBe('DICOMDIR');
    expect(names.filter((name) => /^DICOM\/ST\d{6}\/SE\d{6}\/IM\d{6}$/.test(name))).toHaveLength(28);
    await expect(dialog.getByTestId('deidentify-written')).toHaveText('28');
    await expect(dialog).toContainText('into the downloaded zip');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(rows).toHaveCount(1);
  });
});

/** Entry names from a zip's central directory (read by hand: the test must not trust our writer's reader). */
function zipEntryNames(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const nameLength = zip.readUInt16LE(offset + 28);
    const extra = zip.readUInt16LE(offset + 30);
    const comment = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extra + comment;
  }
  return names;
}
