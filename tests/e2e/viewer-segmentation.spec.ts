import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { pydicomUnavailable, pythonWithPydicom } from '../helpers/pydicom';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { brightBox } from './viewer-page';

/**
 * A reader uploads an MR series and a DICOM Segmentation over it, opens the series, and sees the
 * segments listed and drawn over the image in their colours, as OHIF shows them; unticking a
 * segment hides it. The files are written by pydicom (tests/helpers/segmentation_objects.py):
 * three 64×64 slices of even grey; on the middle one, segment 1 "Lesion" (recommended colour pure
 * red, rows and columns 8–23, its frame naming the slice by UID) and segment 2 "Kidney" (no
 * recommended colour, rows and columns 40–55, its frame matched by position only).
 */
interface Written {
  dir: string;
  study: string;
  sourceSeries: string;
  sources: string[];
  seg: { path: string; sop: string; series: string };
}

const size = 64;

/** What the reader sees in a viewport: its canvas's area of the page, screenshot (every layer composited), as RGB. */
async function screenPixels(page: Page): Promise<{ at: (column: number, row: number) => [number, number, number] }> {
  const image = await brightBox(page, 'vp-0');
  expect(image.bright, 'the grey image is on screen').toBeGreaterThan(0);
  const canvas = page.locator('[data-viewport-id="vp-0"] .viewport-element canvas').first();
  const box = await canvas.boundingBox();
  if (!box) throw new Error('no canvas box');
  const png = PNG.sync.read(await page.screenshot({ clip: box }));
  // Canvas (device) pixels to screenshot pixels: the same unless the page is scaled.
  const scale = png.width / image.canvasWidth;
  return {
    /** The mean colour of a 5×5 patch around the centre of image pixel (column, row). */
    at: (column, row) => {
      const x = Math.round((image.left + ((column + 0.5) / size) * image.width) * scale);
      const y = Math.round((image.top + ((row + 0.5) / size) * image.height) * scale);
      const sum = [0, 0, 0];
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const offset = ((y + dy) * png.width + (x + dx)) * 4;
          for (let channel = 0; channel < 3; channel++) sum[channel]! += png.data[offset + channel] ?? 0;
        }
      }
      return sum.map((value) => Math.round(value / 25)) as [number, number, number];
    },
  };
}

/** How far a colour is from grey: the spread of its channels. */
const chroma = ([r, g, b]: [number, number, number]): number => Math.max(r, g, b) - Math.min(r, g, b);

test.describe.serial('a segmentation over its referenced series', () => {
  const skipReason = pydicomUnavailable();
  test.skip(skipReason !== undefined, `needs pydicom to write the series and the SEG: ${skipReason}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-seg-e2e-'));
  let written: Written;
  /** The first test uploads through the browser; the next one opens what is already in the cache. */
  let uploaded = false;

  test.beforeAll(() => {
    written = JSON.parse(execFileSync(pythonWithPydicom, [path.join('tests', 'helpers', 'segmentation_objects.py'), workDir], { encoding: 'utf8' })) as Written;
  });
  test.afterAll(async ({ webHost }) => {
    await emptyCache(webHost);
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  async function uploadAndOpen(page: Page, url: string): Promise<void> {
    await page.goto(url);
    if (!uploaded) {
      await page.getByRole('button', { name: 'Import…' }).click();
      await page.getByRole('dialog', { name: 'Import studies' }).getByLabel('Upload a folder').setInputFiles(workDir);
      const report = page.getByRole('dialog', { name: 'Import finished' });
      await expect(report).toBeVisible({ timeout: 60_000 });
      await expect(report.getByTestId('import-count-new')).toHaveText('4');
      await report.getByRole('button', { name: 'Close' }).click();
      uploaded = true;
    }
    await page.locator(`tr[data-study-uid="${written.study}"]`).dblclick();
    await expect(page.getByTestId('viewer')).toBeVisible();
    await page.getByLabel('Layout').getByRole('button', { name: '1×1', exact: true }).click();
  }

  async function showMiddleSlice(page: Page): Promise<void> {
    const pane = page.getByTestId('viewport-vp-0');
    await expect(pane).toHaveAttribute('data-series-uid', written.sourceSeries);
    await expect(pane.getByTestId('overlay-slice')).toHaveText('Im 1/3');
    await pane.click();
    await page.keyboard.press('ArrowDown');
    await expect(pane.getByTestId('overlay-slice')).toHaveText('Im 2/3');
  }

  test('the segments are listed and drawn in their colours where the mask is; unticking one hides it', async ({ page, webHost }) => {
    await uploadAndOpen(page, webHost.url);
    await page.locator(`[data-testid="series-item"][data-series-uid="${written.sourceSeries}"]`).click();
    await showMiddleSlice(page);

    const legend = page.getByTestId('viewport-vp-0').getByTestId('segment-legend');
    await expect(legend).toBeVisible({ timeout: 30_000 });
    const lesion = legend.getByRole('checkbox', { name: /Lesion/ });
    const kidney = legend.getByRole('checkbox', { name: /Kidney/ });
    await expect(lesion).toBeChecked();
    await expect(kidney).toBeChecked();

    await expect
      .poll(async () => {
        const pixels = await screenPixels(page);
        const red = pixels.at(15, 15);
        return red[0] - Math.max(red[1], red[2]);
      }, { message: 'the Lesion mask shows red', timeout: 15_000 })
      .toBeGreaterThan(60);
    let pixels = await screenPixels(page);
    const outside = pixels.at(32, 32);
    const kidneyColour = pixels.at(47, 47);
    console.log(`Lesion ${pixels.at(15, 15).join(',')}, Kidney ${kidneyColour.join(',')}, outside ${outside.join(',')}`);
    expect(chroma(outside), 'no colour outside the masks').toBeLessThan(12);
    expect(outside[0], 'the image is light grey').toBeGreaterThan(120);
    expect(chroma(kidneyColour), 'the Kidney mask, matched by position, shows its palette colour').toBeGreaterThan(40);

    // The masks follow the camera: flipped left to right, Lesion lies at the mirrored columns.
    await page.getByRole('button', { name: 'Flip H' }).click();
    await expect
      .poll(async () => {
        const red = (await screenPixels(page)).at(size - 1 - 15, 15);
        return red[0] - Math.max(red[1], red[2]);
      }, { message: 'the flipped Lesion mask shows red', timeout: 15_000 })
      .toBeGreaterThan(60);
    expect(chroma((await screenPixels(page)).at(15, 15)), 'nothing left where Lesion was before the flip').toBeLessThan(12);
    await page.getByRole('button', { name: 'Flip H' }).click();

    await lesion.uncheck();
    await expect
      .poll(async () => chroma((await screenPixels(page)).at(15, 15)), { message: 'the Lesion mask is gone', timeout: 15_000 })
      .toBeLessThan(12);
    pixels = await screenPixels(page);
    expect(chroma(pixels.at(47, 47)), 'the Kidney mask stays').toBeGreaterThan(40);

    // The first slice has no mask at all (the tick box had the keys: give them back to the viewport).
    await page.getByTestId('viewport-vp-0').click();
    await page.keyboard.press('ArrowUp');
    await expect(page.getByTestId('viewport-vp-0').getByTestId('overlay-slice')).toHaveText('Im 1/3');
    await expect.poll(async () => chroma((await screenPixels(page)).at(47, 47)), { timeout: 15_000 }).toBeLessThan(12);
  });

  test('opening the SEG series names what it segments and opens its referenced series with the overlay', async ({ page, webHost }) => {
    await uploadAndOpen(page, webHost.url);
    await page.locator(`[data-testid="series-item"][data-series-uid="${written.seg.series}"]`).click();
    const pane = page.getByTestId('viewport-vp-0');
    const references = pane.getByTestId('object-references');
    await expect(references).toContainText('Segmentation');
    await expect(references).toContainText('Lesion');
    await expect(references).toContainText('Kidney');
    await references.getByTestId('referenced-series').click();
    await showMiddleSlice(page);
    await expect(pane.getByTestId('segment-legend').getByRole('checkbox', { name: /Lesion/ })).toBeChecked();

    // Save as PNG keeps the masks: the saved view has the Lesion's red in it.
    const box = await pane.boundingBox();
    if (!box) throw new Error('no viewport');
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5, { button: 'right' });
    const downloading = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'Save as PNG' }).click();
    const saved = PNG.sync.read(fs.readFileSync(await (await downloading).path()));
    let red = 0;
    for (let i = 0; i < saved.data.length; i += 4) if ((saved.data[i] ?? 0) - Math.max(saved.data[i + 1] ?? 0, saved.data[i + 2] ?? 0) > 60) red++;
    console.log(`Save as PNG: ${red} red pixels`);
    expect(red, 'the Lesion mask is in the saved PNG').toBeGreaterThan(100);
  });
});
