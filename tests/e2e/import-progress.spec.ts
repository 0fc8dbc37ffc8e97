import { expect, test } from './fixtures';
import { sharedDataPath } from '../helpers/shared-data';
import { emptyCache } from './empty-cache';

test.afterEach(async ({ webHost }) => emptyCache(webHost));

/**
 * The progress bar and its Cancel button. A real import of a few files ends in well
 * under a second, faster than a person (or a test) can press Cancel, so the socket is
 * routed through the test and the imports.finished event is held back until Cancel
 * has been pressed. Everything else is real: the host, the import, the browser; only
 * the event's timing is controlled.
 */
test('shows import progress, sends Cancel for this import, then shows the report', async ({ page, webHost }) => {
  const fromPage: string[] = [];
  const held: string[] = [];
  let holdFinished = true;
  let deliverHeld: () => void = () => {};
  await page.routeWebSocket(/\/ws/, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      fromPage.push(String(message));
      server.send(message);
    });
    server.onMessage((message) => {
      const text = String(message);
      if (holdFinished && text.includes('"imports.finished"')) held.push(text);
      else socket.send(message);
    });
    deliverHeld = () => {
      holdFinished = false;
      for (const text of held.splice(0)) socket.send(text);
    };
  });

  await page.goto(webHost.url);
  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import studies' });
  await dialog.getByLabel('Upload files or zips').setInputFiles(sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm'));

  const progress = page.getByRole('status', { name: 'Import progress' });
  await expect(progress).toBeVisible();
  await expect(page.getByRole('button', { name: 'Import…' })).toBeDisabled();
  await expect.poll(() => held.length).toBe(1);
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(progress.getByTestId('import-progress-text')).toHaveText('Cancelling…');

  // The page's call reaches this test's socket route on its own schedule, not with the text change.
  await expect.poll(() => fromPage.some((text) => text.includes('"imports.cancel"'))).toBe(true);
  const calls = fromPage.map((text) => JSON.parse(text) as { name: string; payload: { importId?: string } });
  const cancel = calls.find((call) => call.name === 'imports.cancel');
  const finishedEvent = JSON.parse(held[0]!) as { payload: { importId: string } };
  expect(cancel?.payload.importId).toBe(finishedEvent.payload.importId);

  deliverHeld();
  // The import had already completed on the host, so the report says so: cancel came too late to stop anything.
  const report = page.getByRole('dialog', { name: 'Import finished' });
  await expect(report).toBeVisible();
  await expect(report.getByTestId('import-count-new')).toHaveText('1');
  await report.getByRole('button', { name: 'Close' }).click();
  await expect(progress).toBeHidden();
  await expect(page.locator('tr.study-row')).toHaveCount(1);
});
