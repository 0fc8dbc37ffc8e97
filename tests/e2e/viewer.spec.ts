import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import dicomParser from 'dicom-parser';
import { readRawImage, type RawImage } from '../helpers/dicom-pixels';
import { dicomFilesIn, type SeededInstance } from '../helpers/viewer-seed';
import { sharedDataPath } from '../helpers/shared-data';
import { emptyCache } from './empty-cache';
import { canvasStats, dragOnViewport, openStudy } from './viewer-page';
import { expect, test } from './fixtures';
import { importLinked } from './cli-import';

/**
 * The viewer in Chromium against the web host, on real files from the shared data.
 * Expected values come from the files, read here with dicom-parser, never from the viewer.
 */
const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));

interface MeasurementView {
  annotationUid: string;
  toolName: string;
  imageId: string | undefined;
  values: Record<string, number>;
}

async function measurements(page: Page): Promise<MeasurementView[]> {
  return page.evaluate(() => window.radstationViewer?.measurements() ?? []);
}

async function handles(page: Page, uid: string): Promise<[number, number][]> {
  const points = await page.evaluate((id) => window.radstationViewer?.measurementHandles(id), uid);
  if (!points) throw new Error('no handles');
  return points;
}

/** The file shown at a stack position: the viewer's image ID names the SOP Instance UID. */
function fileForImageId(seeded: SeededInstance[], imageId: string | undefined): string {
  const uid = decodeURIComponent(/\/files\/instances\/([^?]+)/.exec(imageId ?? '')?.[1] ?? '');
  const match = seeded.find((s) => s.sopInstanceUid === uid);
  if (!match) throw new Error(`no seeded file for ${imageId}`);
  return match.file;
}

/** HU mean and SD of the pixels whose centres (i + 0.5 in corner-origin image coordinates) lie inside a rectangle. */
function roiStatistics(raw: RawImage, corners: [number, number][]): { count: number; mean: number; sd: number } {
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  const values: number[] = [];
  for (let row = 0; row < raw.rows; row++) {
    for (let column = 0; column < raw.columns; column++) {
      const cx = column + 0.5;
      const cy = row + 0.5;
      if (cx >= Math.min(...xs) && cx <= Math.max(...xs) && cy >= Math.min(...ys) && cy <= Math.max(...ys)) {
        values.push((raw.values[row * raw.columns + column] ?? NaN) * raw.rescaleSlope + raw.rescaleIntercept);
      }
    }
  }
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
  return { count: values.length, mean, sd };
}

test.describe.serial('viewer on the tilted GE head CT', () => {
  let seeded: SeededInstance[] = [];
  let studyUid = '';

  test.beforeAll(({ webHost }) => {
    // Imported as a user would, with the CLI into the host's cache, linking the files in place.
    const { instances, duplicates } = importLinked(webHost, [path.dirname(ctFiles[0] ?? '')]);
    expect(instances + duplicates).toBe(ctFiles.length);
    seeded = ctFiles.map((file) => {
      const bytes = fs.readFileSync(file);
      const ds = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
      return { file, studyInstanceUid: ds.string('x0020000d') ?? '', seriesInstanceUid: ds.string('x0020000e') ?? '', sopInstanceUid: ds.string('x00080018') ?? '' };
    });
    studyUid = seeded[0]?.studyInstanceUid ?? '';
  });
  // The host is shared by every spec in the worker: leave its cache empty (linked originals are never touched).
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  test('opens the series, scrolls, applies a preset and measures a length in mm', async ({ page, webHost }) => {
    await openStudy(page, webHost.url, studyUid);
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 1/28');
    await expect.poll(async () => (await canvasStats(page)).sd, { message: 'the canvas shows an image, not a blank' }).toBeGreaterThan(5);
    const first = await canvasStats(page);

    await page.getByTestId('viewport-vp-0').click();
    for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 10/28');
    await expect.poll(async () => (await canvasStats(page)).fingerprint, { message: 'the view changes on scroll' }).not.toBe(first.fingerprint);
    expect((await canvasStats(page)).sd).toBeGreaterThan(5);

    await page.keyboard.press('1');
    await expect(page.getByTestId('overlay-window')).toHaveText('W 80 L 40');

    await page.getByRole('button', { name: 'Length', exact: true }).click();
    await dragOnViewport(page, [0.35, 0.4], [0.65, 0.6]);
    await expect(page.getByTestId('measurement')).toHaveCount(1);
    const [length] = await measurements(page);
    expect(length?.toolName).toBe('Length');
    const file = readRawImage(fileForImageId(seeded, length?.imageId));
    const [a, b] = await handles(page, length?.annotationUid ?? '');
    const [rowSpacing, columnSpacing] = file.pixelSpacing ?? [NaN, NaN];
    const expectedMm = Math.hypot(((b?.[0] ?? NaN) - (a?.[0] ?? NaN)) * columnSpacing, ((b?.[1] ?? NaN) - (a?.[1] ?? NaN)) * rowSpacing);
    expect(expectedMm).toBeGreaterThan(20);
    // The figures are recomputed on the render after the mouse is released.
    await expect
      .poll(async () => Math.abs(((await measurements(page))[0]?.values.length ?? NaN) - expectedMm), { message: 'length in mm matches the pixel spacing' })
      .toBeLessThan(0.05);
    await expect(page.getByTestId('measurement').first()).toContainText(`${expectedMm.toFixed(1)} mm`);

    await expect(page.getByTestId('measurement-save-state')).toHaveText('Saved in the cache');
    // The README's screenshot is refreshed only when asked, so a test run leaves the tree clean.
    const screenshotDir = process.env.RADSTATION_UPDATE_SCREENSHOTS ? path.join('docs', 'screenshots') : 'test-results';
    fs.mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, 'viewer.png') });
  });

  test('a rectangle ROI reports the HU mean and SD of the raw pixels with rescale applied', async ({ page, webHost }) => {
    await openStudy(page, webHost.url, studyUid);
    await page.getByTestId('viewport-vp-0').click();
    for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 10/28');
    await page.getByRole('button', { name: 'Rectangle', exact: true }).click();
    await dragOnViewport(page, [0.42, 0.42], [0.55, 0.58]);
    await expect(page.getByTestId('measurement').filter({ hasText: 'Rectangle' })).toHaveCount(1);
    // Statistics are recomputed on a render after the mouse is released; a slow machine may first
    // report the figures of a mid-drag rectangle, so compare the figures and the handles read together.
    const agreement = async () => {
      const roi = (await measurements(page)).find((m) => m.toolName === 'RectangleROI');
      if (roi?.values.mean === undefined) return undefined;
      const expected = roiStatistics(readRawImage(fileForImageId(seeded, roi.imageId)), await handles(page, roi.annotationUid));
      return { expected, meanError: Math.abs((roi.values.mean ?? NaN) - expected.mean), sdError: Math.abs((roi.values.stdDev ?? NaN) - expected.sd), roi };
    };
    await expect.poll(async () => (await agreement())?.meanError ?? Infinity, { message: 'ROI mean matches the raw pixels' }).toBeLessThanOrEqual(0.5);
    const result = await agreement();
    if (!result) throw new Error('no ROI');
    const { expected, roi } = result;
    expect(expected.count).toBeGreaterThan(500);
    console.log(`ROI: ${expected.count} px, expected mean ${expected.mean.toFixed(2)} HU SD ${expected.sd.toFixed(2)}; viewer mean ${roi.values.mean?.toFixed(2)} SD ${roi.values.stdDev?.toFixed(2)}`);
    expect(result.meanError).toBeLessThanOrEqual(0.5);
    expect(result.sdError).toBeLessThanOrEqual(0.5);
    await expect(page.getByTestId('measurement').filter({ hasText: 'Rectangle' })).toContainText('HU');
    await expect(page.getByTestId('measurement-save-state')).toHaveText('Saved in the cache');
  });

  test('keeps measurements per study in the cache across a reload', async ({ page, webHost }) => {
    await openStudy(page, webHost.url, studyUid);
    await expect(page.getByTestId('measurement')).toHaveCount(2);
    await page.reload();
    // A reload comes back to the open study by itself.
    await expect(page.getByTestId('viewer')).toBeVisible();
    await expect(page.getByTestId('measurement')).toHaveCount(2);
    await expect(page.getByTestId('measurement').filter({ hasText: 'Length' })).toHaveCount(1);
  });

  test('a measurement moved just before a reload or before closing the viewer is saved', async ({ page, webHost }) => {
    const lengthUid = async () => {
      await expect(page.getByTestId('measurement').filter({ hasText: 'Length' })).toHaveCount(1);
      const uid = (await measurements(page)).find((m) => m.toolName === 'Length')?.annotationUid;
      if (!uid) throw new Error('no length');
      return uid;
    };
    // Right after the study opens the viewport may not hold its stack yet, and a scroll then does nothing:
    // ask again until the overlay shows slice 10.
    const showSliceTen = async () => {
      await expect
        .poll(async () => {
          await page.evaluate(() => window.radstationViewer?.scrollTo(9));
          return page.getByTestId('overlay-slice').textContent();
        })
        .toBe('Im 10/28');
    };
    // Drags the length's first handle by (dx, dy) screen pixels with the Length tool, and returns where it ends, in image pixels.
    const dragFirstHandle = async (uid: string, dx: number, dy: number) => {
      const before = await handles(page, uid);
      await page.getByRole('button', { name: 'Length', exact: true }).click();
      const onPage = await page.evaluate((id) => window.radstationViewer?.measurementHandlesOnPage(id), uid);
      const [x, y] = onPage?.[0] ?? [NaN, NaN];
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 3 });
      await page.mouse.move(x + dx, y + dy, { steps: 3 });
      await page.mouse.up();
      const after = await handles(page, uid);
      expect(Math.hypot((after[0]?.[0] ?? NaN) - (before[0]?.[0] ?? NaN), (after[0]?.[1] ?? NaN) - (before[0]?.[1] ?? NaN)), 'the handle moved').toBeGreaterThan(5);
      return after;
    };
    // Infinity until the restored measurement is there to read.
    const distanceTo = async (expected: [number, number][]) => {
      const points = await page.evaluate((id) => window.radstationViewer?.measurementHandles(id), uid);
      if (!points || points.length !== expected.length) return Infinity;
      return Math.max(...points.map((p, i) => Math.hypot(p[0] - (expected[i]?.[0] ?? NaN), p[1] - (expected[i]?.[1] ?? NaN))));
    };

    await openStudy(page, webHost.url, studyUid);
    await showSliceTen();
    const uid = await lengthUid();

    // Saving waits for a drag to settle (600 ms); the reload comes at once, so only the flush on pagehide can save it.
    const movedBeforeReload = await dragFirstHandle(uid, -40, -25);
    await page.reload();
    // A reload comes back to the open study by itself.
    await expect(page.getByTestId('viewer')).toBeVisible();
    await showSliceTen();
    expect(await lengthUid()).toBe(uid);
    await expect.poll(async () => distanceTo(movedBeforeReload), { message: 'the moved handle came back from the cache' }).toBeLessThan(1e-3);

    // Closing the viewer straight after a drag: the flush on unmount saves it.
    const movedBeforeClose = await dragFirstHandle(uid, 30, 20);
    await page.getByRole('button', { name: '← Studies' }).click();
    await page.locator(`tr[data-study-uid="${studyUid}"]`).dblclick();
    await showSliceTen();
    await expect.poll(async () => distanceTo(movedBeforeClose), { message: 'the handle moved before closing came back from the cache' }).toBeLessThan(1e-3);
  });

  test('hides PHI, shows tags, and refuses MPR of the tilted series', async ({ page, webHost }) => {
    await openStudy(page, webHost.url, studyUid);
    const file = readRawImage(ctFiles[0] ?? '');
    expect(file.rows).toBe(512);
    await page.getByLabel('Hide PHI').check();
    await expect(page.getByTestId('overlay-patient')).toHaveText('Anonymous');
    await page.getByRole('tab', { name: 'Tags' }).click();
    await page.getByLabel('Search tags').fill('PixelSpacing');
    const spacingRow = page.getByTestId('tag-table').locator('tr').filter({ hasText: '(0028,0030)' });
    await expect(spacingRow).toHaveCount(1);
    // The value is the shown image's own, as dicom-parser reads it from that file here.
    const shownFile = fileForImageId(seeded, (await page.evaluate(() => window.radstationViewer?.getActiveImage()))?.imageId);
    const shownBytes = fs.readFileSync(shownFile);
    const spacingText = dicomParser.parseDicom(new Uint8Array(shownBytes.buffer, shownBytes.byteOffset, shownBytes.byteLength), { untilTag: 'x7fe00010' }).string('x00280030');
    expect(spacingText).toBeTruthy();
    await expect(spacingRow).toContainText(spacingText ?? '');
    await expect(spacingRow).toContainText('DS');
    await page.getByRole('button', { name: 'MPR' }).click();
    await expect(page.getByTestId('viewer-notice')).toContainText(/refused.*tilt/i);
    await expect(page.getByTestId('mpr-view')).toHaveCount(0);
  });
});
