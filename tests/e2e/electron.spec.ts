import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';

const found = findElectronBinary();

test.describe('Electron desktop app', () => {
  test('opens a sandboxed window showing the study browser and the about box', async () => {
    if ('reason' in found) {
      // Said out loud as well as in the report, so a CI log makes clear what did not run.
      console.log(`SKIPPED Electron E2E: ${found.reason}.`);
      test.skip(true, found.reason);
      return;
    }
    const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-electron-'));
    const app = await electron.launch({
      executablePath: found.path,
      args: ['.', '--no-sandbox', `--user-data-dir=${userData}`, '--cache', path.join(userData, 'cache')],
    });
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('heading', { name: 'Radstation' })).toBeVisible();
      await expect(page.getByTestId('studies-empty')).toBeVisible();
      // The renderer has no Node: the preload's one object is the only way out.
      expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual([
        'undefined',
        'undefined',
      ]);
      expect(await page.evaluate(() => Object.keys(window.radstation ?? {}).sort())).toEqual(['fileBaseUrl', 'host', 'invoke', 'pathForFile', 'subscribe']);
      // The two globals the preload used to expose are gone.
      expect(await page.evaluate(() => ['radstationTransport', 'radstationFiles'].filter((key) => key in window))).toEqual([]);
      // New windows are refused: window.open answers null when the main process denies it.
      expect(await page.evaluate(() => window.open('about:blank') === null)).toBe(true);
      expect(app.windows()).toHaveLength(1);
      const menu = await app.evaluate(({ Menu }) =>
        (Menu.getApplicationMenu()?.items ?? []).map((item) => ({ label: item.label, items: (item.submenu?.items ?? []).map((sub) => sub.label) })),
      );
      expect(menu).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ label: 'File', items: expect.arrayContaining(['Import…']) }),
          expect.objectContaining({ label: 'View' }),
          expect.objectContaining({ label: 'Help', items: expect.arrayContaining(['About Radstation']) }),
        ]),
      );
      // Unpackaged, as here, the View menu offers Developer Tools; a packaged build does not (window-policy.test.ts).
      expect(menu.find((item: { label: string; items: string[] }) => item.label === 'View')?.items).toContain('Toggle Developer Tools');
      // Web permissions the app does not use are denied, whether checked or asked for.
      expect(await page.evaluate(async () => (await navigator.permissions.query({ name: 'geolocation' })).state)).toBe('denied');
      expect(
        await page.evaluate(
          () => new Promise<string>((resolve) => navigator.geolocation.getCurrentPosition(() => resolve('granted'), (error) => resolve(error.code === error.PERMISSION_DENIED ? 'denied' : `error ${error.code}`))),
        ),
      ).toBe('denied');
      const headers = await page.evaluate(async () => {
        const response = await fetch('radstation://app/index.html');
        return response.headers.get('content-security-policy');
      });
      expect(headers).toContain("default-src 'self'");
      expect(await page.evaluate(async () => (await fetch('radstation://app/files/instances/..%2f..%2fpackage.json')).status)).toBe(400);
      await page.getByRole('button', { name: 'About' }).click();
      await expect(page.getByTestId('host-kind')).toHaveText('Desktop (Electron)');
      await expect(page.getByTestId('version-electron')).toHaveText(/^\d+\.\d+\.\d+/);
      await expect(page.getByTestId('version-node')).toHaveText(/^\d+\.\d+\.\d+$/);
      await expect(page.getByTestId('version-onnxruntime')).toHaveText(/^\d+\.\d+\.\d+$/);
      await page.getByRole('button', { name: 'Close', exact: true }).click();
      // Help > About in the application menu opens the same box, through the contract's event.
      await app.evaluate(({ Menu }) => {
        const help = Menu.getApplicationMenu()?.items.find((item) => item.label === 'Help');
        help?.submenu?.items.find((item) => item.label === 'About Radstation')?.click();
      });
      await expect(page.getByRole('dialog', { name: 'About Radstation' })).toBeVisible();
      // A second start with the same profile hands over to this one and exits at once.
      const second = spawn(found.path, ['.', '--no-sandbox', `--user-data-dir=${userData}`], { stdio: 'ignore' });
      expect(await new Promise<number | null>((resolve) => second.once('exit', resolve))).toBe(0);
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
      fs.rmSync(userData, { recursive: true, force: true });
    }
  });
});
