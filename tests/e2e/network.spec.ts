import fs from 'node:fs';
import { freePort, peersMissing, startOrthanc, type OrthancPeer } from '../helpers/pacs-peers';
import { sharedDataPath } from '../helpers/shared-data';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { importLinked, studyUidOf } from './cli-import';
import { expect, startHost, test, type RunningHost } from './fixtures';

/**
 * The Network view against a real Orthanc on loopback, as a clinic uses it: set our listener,
 * add the PACS, echo it, query, retrieve a study by C-MOVE into the cache and open it, then
 * send another study back from the study browser and check Orthanc holds it (its REST API).
 * The host is its own `radstation serve` with a fresh cache, so its network settings touch no
 * other spec.
 */
const missing = peersMissing();
const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));
const ctStudyUid = ctFiles[0] ? studyUidOf(ctFiles[0]) : '';
const mrFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens'));
const mrStudyUid = mrFiles[0] ? studyUidOf(mrFiles[0]) : '';
// One RLE MR slice from the conformance corpus: a study of its own, sent back to Orthanc.
const sentFile = sharedDataPath('dicom', 'conformance', 'wg04', 'RLE', 'MR1_RLE');
const sentStudyUid = fs.existsSync(sentFile) ? studyUidOf(sentFile) : '';

test.describe.serial('PACS network from the browser', () => {
  test.skip(missing !== undefined, `needs Orthanc and dcmtk: ${missing ?? ''}`);
  let host: RunningHost;
  let stopHost: () => Promise<void>;
  let orthanc: OrthancPeer;
  let listenerPort = 0;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    listenerPort = await freePort();
    // Orthanc must know our AE title and port to C-MOVE to us (it refuses unknown AEs).
    orthanc = await startOrthanc({ aet: 'ORTHANC_E2E', modalities: { radstation: ['RS_E2E', '127.0.0.1', listenerPort] } });
    await orthanc.upload([...ctFiles, ...mrFiles]);
    ({ host, stop: stopHost } = await startHost());
    importLinked(host, [sentFile]);
  });
  test.afterAll(async () => {
    await stopHost?.();
    await orthanc?.stop();
  });

  test('set the listener, add the PACS and echo it', async ({ page }) => {
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Network' }).click();
    const listener = page.getByRole('form', { name: 'Listener settings' });
    await listener.getByLabel('AE title', { exact: true }).fill('RS_E2E');
    await listener.getByLabel('Port', { exact: true }).fill(String(listenerPort));
    await expect(listener.getByLabel('Listen address', { exact: true })).toHaveValue('127.0.0.1');
    await listener.getByLabel('Run the listener', { exact: true }).check();
    await listener.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('.listener-status')).toHaveText(`DICOM listener running as RS_E2E on 127.0.0.1 port ${listenerPort}.`);

    const add = page.getByRole('form', { name: 'Add a node' });
    await add.getByLabel('Name', { exact: true }).fill('orthanc');
    await add.getByLabel('AE title', { exact: true }).fill('ORTHANC_E2E');
    await add.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await add.getByLabel('Port', { exact: true }).fill(String(orthanc.dicomPort));
    await add.getByRole('button', { name: 'Add node' }).click();
    const node = page.locator('li[data-node="orthanc"]');
    await expect(node).toContainText(`DIMSE ORTHANC_E2E@127.0.0.1:${orthanc.dicomPort}`);
    await node.getByRole('button', { name: 'Echo' }).click();
    await expect(node.locator('.echo-result')).toHaveText(/^OK \(\d+ ms\)$/);

    // A node that does not answer says what failed.
    const closedPort = await freePort();
    await add.getByLabel('Name', { exact: true }).fill('nobody');
    await add.getByLabel('AE title', { exact: true }).fill('NOBODY');
    await add.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await add.getByLabel('Port', { exact: true }).fill(String(closedPort));
    await add.getByRole('button', { name: 'Add node' }).click();
    const nobody = page.locator('li[data-node="nobody"]');
    await nobody.getByRole('button', { name: 'Echo' }).click();
    await expect(nobody.locator('.echo-result')).toContainText('Failed (refused)');
    await nobody.getByRole('button', { name: 'Remove' }).click();
    await expect(nobody).toHaveCount(0);
  });

  test('query, retrieve a study by C-MOVE, and open it', async ({ page }) => {
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Network' }).click();
    const query = page.getByRole('form', { name: 'Query' });
    await query.getByLabel('Modality', { exact: true }).fill('CT');
    await query.getByRole('button', { name: 'Search' }).click();
    const row = page.locator(`table[aria-label="Query results"] tr[data-study-uid="${ctStudyUid}"]`);
    await expect(row.locator('.cache-state')).toHaveText('not cached');
    await expect(row.locator('td').nth(6)).toHaveText(String(ctFiles.length));
    await row.getByRole('button', { name: 'Retrieve' }).click();
    await expect(row.locator('.retrieve-report')).toHaveText(`completed: ${ctFiles.length} retrieved, 0 already cached, 0 missing of ${ctFiles.length}`, { timeout: 90_000 });
    await expect(row.locator('.cache-state')).toHaveText('in cache');

    // Searching again marks the study as held by the cache.
    await query.getByRole('button', { name: 'Search' }).click();
    await expect(row.locator('.cache-state')).toHaveText('in cache');
    await row.getByRole('button', { name: 'Open' }).click();
    await expect(page.getByTestId('viewer')).toBeVisible({ timeout: 60_000 });
  });

  test('cancel a C-GET retrieve part-way: what arrived stays, and retrieving again fetches only the rest', async ({ page }) => {
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Network' }).click();
    const query = page.getByRole('form', { name: 'Query' });
    await query.getByLabel('Modality', { exact: true }).fill('MR');
    await query.getByRole('combobox', { name: 'Retrieve by' }).selectOption('get');
    await query.getByRole('button', { name: 'Search' }).click();
    const row = page.locator(`table[aria-label="Query results"] tr[data-study-uid="${mrStudyUid}"]`);
    await expect(row.locator('.cache-state')).toHaveText('not cached');
    await row.getByRole('button', { name: 'Retrieve', exact: true }).click();
    // Cancel once some instances are in, well before all of them.
    await expect(row.getByRole('status').first()).toHaveText(new RegExp(`^([1-9]\\d*)/${mrFiles.length}$`), { timeout: 60_000 });
    await row.getByRole('button', { name: 'Cancel' }).click();
    const report = row.locator('.retrieve-report');
    await expect(report).toHaveText(new RegExp(`^cancelled: \\d+ retrieved, 0 already cached, \\d+ missing of ${mrFiles.length}`), { timeout: 60_000 });
    const [, retrieved, missingCount] = /^cancelled: (\d+) retrieved, 0 already cached, (\d+) missing/.exec((await report.textContent()) ?? '') ?? [];
    expect(Number(retrieved)).toBeGreaterThan(0);
    expect(Number(missingCount)).toBe(mrFiles.length - Number(retrieved));

    await row.getByRole('button', { name: 'Retrieve the rest' }).click();
    await expect(report).toHaveText(`completed: ${missingCount} retrieved, ${retrieved} already cached, 0 missing of ${mrFiles.length}`, { timeout: 90_000 });
  });

  test('send a study from the study browser, and Orthanc holds it', async ({ page }) => {
    const before = await orthanc.get<string[]>('/studies');
    await page.goto(host.url);
    const row = page.locator(`tr.study-row[data-study-uid="${sentStudyUid}"]`);
    await row.click();
    await page.getByRole('button', { name: 'Send to…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send study' });
    await dialog.getByRole('combobox').selectOption('orthanc');
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(dialog.locator('.send-report')).toHaveText('completed: 1 of 1 sent', { timeout: 60_000 });
    await dialog.getByRole('button', { name: 'Close' }).click();

    const found = await fetch(`${orthanc.httpUrl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: sentStudyUid } }) });
    expect(((await found.json()) as string[]).length).toBe(1);
    expect((await orthanc.get<string[]>('/studies')).length).toBe(before.length + 1);
  });
});
