import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, startHost, test, type RunningHost } from './fixtures';
import { importLinked } from './cli-import';
import { syntheticModalities, writeSyntheticStudies } from '../helpers/synthetic-studies';

/**
 * A clinic with more studies than the list shows at once (500, the list's page): the user must be
 * told the list is cut and by how much, or a study past the first page looks missing. 520 one-image
 * studies, written byte by byte by the test and imported with the real CLI, on a host of its own
 * so the shared one keeps its small cache.
 */
const studyCount = 520;
const pageLimit = 500;

test.describe('study browser with more studies than one page', () => {
  let sources: string;
  let host: RunningHost;
  let stopHost: () => Promise<void>;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    sources = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-e2e-many-'));
    writeSyntheticStudies(sources, studyCount);
    ({ host, stop: stopHost } = await startHost());
    expect(importLinked(host, [sources]).instances).toBe(studyCount);
  });
  test.afterAll(async () => {
    await stopHost?.();
    fs.rmSync(sources, { recursive: true, force: true });
  });

  test('says how many studies the list leaves out, and stops saying it once a filter fits', async ({ page }) => {
    await page.goto(host.url);
    const rows = page.locator('tr.study-row');
    await expect(rows).toHaveCount(pageLimit);
    await expect(page.getByTestId('studies-total')).toHaveText('500 of 520: refine the search');

    // One modality in five: 104 studies, all listed, nothing to say.
    const perModality = studyCount / syntheticModalities.length;
    await page.getByLabel('Modality').selectOption('MR');
    await expect(rows).toHaveCount(perModality);
    await expect(page.getByTestId('studies-total')).toHaveCount(0);
  });
});
