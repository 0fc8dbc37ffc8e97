import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';

test.describe('workstation shell in the web host', () => {
  test('shows the empty study browser and the about box with versions from the services', async ({ page, webHost }) => {
    await page.goto(webHost.url);
    await expect(page.getByRole('heading', { name: 'Radstation' })).toBeVisible();
    await expect(page.getByTestId('studies-empty')).toContainText('No studies in the cache yet');
    // The join link was traded for the cookie and redirected away: neither code nor token is in the address.
    expect(page.url()).toBe(`${webHost.origin}/`);

    await page.getByRole('button', { name: 'About' }).click();
    const dialog = page.getByRole('dialog', { name: 'About Radstation' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('host-kind')).toHaveText('Web host');
    await expect(dialog.getByTestId('version-electron')).toHaveText('not used (web host)');
    await expect(dialog.getByTestId('version-node')).toHaveText(/^\d+\.\d+\.\d+$/);
    await expect(dialog.getByTestId('version-onnxruntime')).toHaveText(/^\d+\.\d+\.\d+$/);
    // The README's picture of the about box (RADSTATION_UPDATE_SCREENSHOTS=1 refreshes it, as the viewer's does).
    await page.screenshot({ path: process.env.RADSTATION_UPDATE_SCREENSHOTS ? 'docs/screenshots/workstation-about.png' : 'test-results/shell-about.png' });
  });

  test('keeps working after a reload, with the cookie the join link left', async ({ page, webHost }) => {
    await page.goto(webHost.url);
    await expect(page.getByTestId('studies-empty')).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('studies-empty')).toBeVisible();
  });

  test('opens a join link once: another browser with the same link is refused', async ({ page, browser, webHost }) => {
    const link = webHost.url;
    await page.goto(link);
    await expect(page.getByTestId('studies-empty')).toBeVisible();
    const otherBrowser = await browser.newContext();
    try {
      const other = await otherBrowser.newPage();
      const response = await other.goto(link);
      expect(response?.status()).toBe(401);
      await expect(other.locator('body')).toContainText('already used');
    } finally {
      await otherBrowser.close();
    }
  });

  test('arrives joined from a join link clicked in another site (a class chat)', async ({ page, webHost }) => {
    // localhost and 127.0.0.1 are different sites to the browser, so this click is a cross-site navigation.
    const link = webHost.url;
    const chat = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><a href="${link}">Join the class</a>`);
    });
    await new Promise<void>((resolve) => chat.listen(0, 'localhost', () => resolve()));
    try {
      await page.goto(`http://localhost:${(chat.address() as AddressInfo).port}/`);
      await page.getByRole('link', { name: 'Join the class' }).click();
      await expect(page.getByTestId('studies-empty')).toBeVisible();
      expect(page.url()).toBe(`${webHost.origin}/`);
    } finally {
      await new Promise<void>((resolve) => chat.close(() => resolve()));
    }
  });

  test('shows nothing to a browser without the token', async ({ page, webHost }) => {
    const response = await page.goto(webHost.origin);
    expect(response?.status()).toBe(401);
    await expect(page.locator('body')).toContainText('needs the access token');
  });
});
