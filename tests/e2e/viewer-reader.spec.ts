import { execFileSync } from 'node:child_process';
import dicomParser from 'dicom-parser';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Page } from '@playwright/test';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { sharedDataPath } from '../helpers/shared-data';
import { importLinked, studyUidOf } from './cli-import';
import { emptyCache } from './empty-cache';
import { derivedFiles } from './imaging-panels';
import { expect, test } from './fixtures';
import { openStudy } from './viewer-page';

/**
 * Small things a reader meets in the first minutes, done with the real mouse and keys:
 * the right-click menu, Esc on dialogs, the preset menu, the scrollbar beside the overlays.
 */
const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The study open in one viewport showing the source CT (the study also holds the AI series). */
async function openCt(page: Page, url: string, studyUid: string): Promise<void> {
  await openStudy(page, url, studyUid);
  await page.getByLabel('Layout').getByRole('button', { name: '1×1', exact: true }).click();
  await page.getByTestId('series-item').filter({ hasNotText: 'AI:' }).click();
  await expect(page.getByTestId('viewport-vp-0').getByTestId('overlay-slice')).toHaveText(/^Im \d+\/28$/);
}

async function rightClickViewport(page: Page): Promise<void> {
  const box = await page.getByTestId('viewport-vp-0').boundingBox();
  if (!box) throw new Error('no viewport');
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5, { button: 'right' });
}

test.describe.serial('a reader on the head CT', () => {
  let studyUid = '';
  let aiSeriesUid = '';

  test.beforeAll(({ webHost }) => {
    importLinked(webHost, [path.dirname(ctFiles[0] ?? '')]);
    studyUid = studyUidOf(ctFiles[0] ?? '');
    // One slice through the shipped model with the CLI, as a user would, then imported into the same study.
    const report = execFileSync(process.execPath, webHost.cliArgs(['infer', '--task', 'superres-x2', '--file', ctFiles[0] ?? '', '--json']), { encoding: 'utf8' });
    const result = JSON.parse(report.trim().split('\n').pop() ?? '{}') as { seriesInstanceUID?: string; outputs?: string[] };
    aiSeriesUid = result.seriesInstanceUID ?? '';
    importLinked(webHost, result.outputs ?? []);
  });
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  test('right-click, then Save as PNG downloads the view and Copy puts it on the clipboard', async ({ page, webHost, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: webHost.origin });
    await openStudy(page, webHost.url, studyUid);
    await rightClickViewport(page);
    const downloading = page.waitForEvent('download');
    // A real mouse on the item: press, release, click (the pane's press handler used to close the menu first).
    await page.getByRole('menuitem', { name: 'Save as PNG' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^CT-S\d+-1\.png$/);
    const saved = PNG.sync.read(fs.readFileSync(await download.path()));
    expect(saved.width).toBeGreaterThan(100);
    await expect(page.getByRole('menu')).toHaveCount(0);

    await rightClickViewport(page);
    await page.getByRole('menuitem', { name: 'Copy' }).click();
    await expect(page.getByRole('menu')).toHaveCount(0);
    // Copy renders the PNG and writes the clipboard asynchronously after the menu closes: wait for it.
    const clipboardPngSize = () =>
      page.evaluate(async () => {
        const items = await navigator.clipboard.read();
        const png = items.find((item) => item.types.includes('image/png'));
        return png ? (await png.getType('image/png')).size : 0;
      });
    await expect.poll(clipboardPngSize, { message: 'a PNG is on the clipboard' }).toBeGreaterThan(1000);
  });

  test('Esc closes Help without resetting the view, and closes About', async ({ page, webHost }) => {
    await openCt(page, webHost.url, studyUid);
    await page.getByTestId('viewport-vp-0').click();
    await page.keyboard.press('1');
    await expect(page.getByTestId('viewport-vp-0').getByTestId('overlay-window')).toHaveText('W 80 L 40');
    await page.getByRole('button', { name: 'Help' }).click();
    await expect(page.getByRole('dialog', { name: 'Viewer shortcuts' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByTestId('viewport-vp-0').getByTestId('overlay-window'), 'Esc went to the dialog, not to the view').toHaveText('W 80 L 40');

    await page.getByRole('button', { name: '← Studies' }).click();
    await page.getByRole('button', { name: 'About' }).click();
    await expect(page.getByRole('dialog', { name: 'About Radstation' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
  });

  test('the preset menu shows the preset on screen', async ({ page, webHost }) => {
    await openCt(page, webHost.url, studyUid);
    await page.getByTestId('viewport-vp-0').click();
    const menu = page.getByLabel('Window preset');
    await page.keyboard.press('4');
    await expect(menu.locator('option:checked')).toContainText('Lung');
    await page.keyboard.press('1');
    await expect(menu.locator('option:checked')).toContainText('Brain');
    await menu.selectOption({ label: (await menu.locator('option').filter({ hasText: 'Bone' }).textContent()) ?? '' });
    await expect(menu.locator('option:checked')).toContainText('Bone');
    await expect(page.getByTestId('viewport-vp-0').getByTestId('overlay-window')).toHaveText(/^W \d+ L \d+$/);
  });

  test('the slice scrollbar never covers the bottom-right overlay, in any layout', async ({ page, webHost }) => {
    await openCt(page, webHost.url, studyUid);
    for (const layout of ['1×1', '1×2', '2×2']) {
      await page.getByLabel('Layout').getByRole('button', { name: layout, exact: true }).click();
      const pane = page.getByTestId('viewport-vp-0');
      const scrollbar = await pane.getByLabel('Slice').boundingBox();
      if (!scrollbar) throw new Error('no scrollbar');
      for (const line of await pane.locator('.corner.bottom-right > div, .corner.top-right > div').all()) {
        if (!(await line.isVisible())) continue;
        const box = await line.boundingBox();
        if (!box) continue;
        expect(overlaps(box, scrollbar), `${layout}: "${await line.textContent()}" is under the scrollbar`).toBe(false);
      }
    }
  });

  test('an AI-generated series carries its banner on screen and in Save as PNG', async ({ page, webHost }) => {
    expect(aiSeriesUid).not.toBe('');
    await openStudy(page, webHost.url, studyUid);
    await page.getByLabel('Layout').getByRole('button', { name: '1×1', exact: true }).click();
    const pane = page.getByTestId('viewport-vp-0');
    // The amber of the banner, counted in a saved PNG: present only where the banner is.
    const bannerPixels = async () => {
      await rightClickViewport(page);
      const downloading = page.waitForEvent('download');
      await page.getByRole('menuitem', { name: 'Save as PNG' }).click();
      const png = PNG.sync.read(fs.readFileSync(await (await downloading).path()));
      let count = 0;
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 0xb4 && png.data[i + 1] === 0x53 && png.data[i + 2] === 0x09) count++;
      return count;
    };
    const source = page.getByTestId('series-item').filter({ hasNotText: 'AI:' });
    await source.click();
    await expect(pane).not.toHaveAttribute('data-series-uid', aiSeriesUid);
    await expect(pane.getByTestId('overlay-slice')).toHaveText(/^Im \d+\/28$/);
    await expect(pane.getByTestId('ai-banner')).toHaveCount(0);
    expect(await bannerPixels(), 'no banner on the source CT').toBe(0);

    await page.locator(`[data-testid="series-item"][data-series-uid="${aiSeriesUid}"]`).click();
    await expect(pane).toHaveAttribute('data-series-uid', aiSeriesUid);
    await expect(pane.getByTestId('ai-banner')).toHaveText('AI-generated — not for diagnosis');
    await page.getByLabel('Hide PHI').check();
    await expect(pane.getByTestId('ai-banner'), 'Hide PHI does not hide the AI label').toBeVisible();
    expect(await bannerPixels(), 'the banner is burned into the PNG').toBeGreaterThan(300);
  });

  test('a reload returns to the study and the series that were open', async ({ page, webHost }) => {
    await openStudy(page, webHost.url, studyUid);
    await page.getByLabel('Layout').getByRole('button', { name: '1×1', exact: true }).click();
    const pane = page.getByTestId('viewport-vp-0');
    for (const seriesUid of [aiSeriesUid, (await page.getByTestId('series-item').filter({ hasNotText: 'AI:' }).getAttribute('data-series-uid')) ?? '']) {
      await page.locator(`[data-testid="series-item"][data-series-uid="${seriesUid}"]`).click();
      await expect(pane).toHaveAttribute('data-series-uid', seriesUid);
      await page.reload();
      await expect(page.getByTestId('viewer')).toBeVisible();
      await expect(page.getByTestId('viewport-vp-0')).toHaveAttribute('data-series-uid', seriesUid);
    }
    await page.getByRole('button', { name: '← Studies' }).click();
    await page.reload();
    await expect(page.locator(`tr[data-study-uid="${studyUid}"]`), 'closed studies stay closed').toBeVisible();
  });

  test('saving a super-resolution slice keeps the reader on the slice being read, opens the result beside it, and the status keeps the scale saved @panels', async ({ page, webHost }) => {
    await openCt(page, webHost.url, studyUid);
    const ctSeriesUid = (await page.getByTestId('viewport-vp-0').getAttribute('data-series-uid')) ?? '';
    await page.evaluate(() => window.radstationViewer?.scrollTo(12));
    const source = page.locator(`.viewport-pane[data-series-uid="${ctSeriesUid}"]`).first();
    await expect(source.getByTestId('overlay-slice')).toHaveText('Im 13/28');
    const readUid = await page.evaluate(() => window.radstationViewer?.getActiveImage()?.sopInstanceUid);
    await page.keyboard.press('Alt+KeyS');
    const panel = page.getByTestId('superres-panel');
    await panel.getByTestId('superres-superres-x2').check();
    await panel.getByTestId('superres-save-slice').click();
    await expect(panel.getByTestId('job-completed')).toContainText('Saved the slice ×2', { timeout: 60_000 });
    const resultUid = (await panel.getByTestId('superres-open-result').getAttribute('data-series-uid')) ?? '';
    await expect(page.locator(`[data-testid="series-item"][data-series-uid="${resultUid}"]`)).toBeVisible();
    // The study was refreshed with the new series; the source viewport did not restart at image 1.
    await expect(source.getByTestId('overlay-slice')).toHaveText('Im 13/28');

    // Switching the scale afterwards changes the next save, not what the status says was saved.
    await panel.getByTestId('superres-superres-x4').check();
    await expect(panel.getByTestId('superres-save-slice')).toHaveText('Save this slice ×4');
    await expect(panel.getByTestId('job-completed')).toContainText('Saved the slice ×2');
    await expect(panel.getByTestId('job-completed')).not.toContainText('×4');
    await expect(panel.getByTestId('ai-label')).toContainText('super-resolution ×2');
    await expect(panel.getByTestId('ai-label')).not.toContainText('×4');

    // The result opened beside the source by itself, and it is the slice being read, upsampled.
    await expect(page.getByTestId('viewport-vp-1')).toHaveAttribute('data-series-uid', resultUid);
    await expect(page.getByTestId('viewport-vp-0')).toHaveAttribute('data-series-uid', ctSeriesUid);
    await expect(page.getByTestId('viewport-vp-1').getByTestId('overlay-slice')).toHaveText('Im 1/1');
    const [resultFile] = derivedFiles(webHost, resultUid);
    const bytes = fs.readFileSync(resultFile ?? '');
    const dataSet = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
    expect(dataSet.elements.x00082112?.items?.[0]?.dataSet?.string('x00081155')).toBe(readUid);
    await expect(source.getByTestId('overlay-slice'), 'opening the one-slice result did not move the source').toHaveText('Im 13/28');
  });

  test('orientation labels name the patient directions at the edges, and follow a flip', async ({ page, webHost }) => {
    await openCt(page, webHost.url, studyUid);
    // The reference: the file's Image Orientation (Patient), read with dicom-parser; LPS axes.
    const bytes = fs.readFileSync(ctFiles[0] ?? '');
    const iop = (dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' }).string('x00200037') ?? '').split('\\').map(Number);
    const name = (v: number[]) => {
      const letters = [['L', 'R'], ['P', 'A'], ['S', 'I']];
      const axis = [0, 1, 2].reduce((best, i) => (Math.abs(v[i] ?? 0) > Math.abs(v[best] ?? 0) ? i : best), 0);
      return (v[axis] ?? 0) > 0 ? letters[axis]![0]! : letters[axis]![1]!;
    };
    const row = iop.slice(0, 3);
    const column = iop.slice(3, 6);
    const pane = page.getByTestId('viewport-vp-0');
    // The dominant letter leads each label (an oblique edge adds a second).
    await expect(pane.getByTestId('orientation-right')).toHaveText(new RegExp(`^${name(row)}`));
    await expect(pane.getByTestId('orientation-left')).toHaveText(new RegExp(`^${name(row.map((x) => -x))}`));
    await expect(pane.getByTestId('orientation-bottom')).toHaveText(new RegExp(`^${name(column)}`));
    await expect(pane.getByTestId('orientation-top')).toHaveText(new RegExp(`^${name(column.map((x) => -x))}`));
    await pane.click();
    await page.keyboard.press('h');
    await expect(pane.getByTestId('orientation-right')).toHaveText(new RegExp(`^${name(row.map((x) => -x))}`));
    await page.keyboard.press('h');
  });
});
