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
      const window = await app.firstWindow();
      await expect(window.getByRole('heading', { name: 'Radstation' })).toBeVisible();
      await expect(window.getByTestId('studies-empty')).toBeVisible();
      // The renderer has no Node: the preload's transport is the only way out.
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      await window.getByRole('button', { name: 'About' }).click();
      await expect(window.getByTestId('host-kind')).toHaveText('Desktop (Electron)');
      await expect(window.getByTestId('version-electron')).toHaveText(/^\d+\.\d+\.\d+/);
    } finally {
      await app.close();
      fs.rmSync(userData, { recursive: true, force: true });
    }
  });
});
