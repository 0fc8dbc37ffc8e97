import fs from 'node:fs';
import type { Page } from '@playwright/test';
import dicomParser from 'dicom-parser';
import path from 'node:path';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { sharedDataPath } from '../helpers/shared-data';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { activeImage, derivedFiles, importLinked, openStudy, readHeader, screenshotPath, type DicomHeader } from './imaging-panels';
import { dragOnViewport } from './viewer-page';

/**
 * The super-resolution panel in Chromium against the web host and the shipped compact bundle.
 * Sizes and spacings expected come from the source files, read here with dicom-parser.
 * Eight consecutive slices of the MPRAGE series are imported, not all 176: the ×4 model takes
 * about two seconds a slice on this CPU, and the checks are per slice.
 */
const mrFolder = sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens');
const mrFiles = dicomFilesIn(mrFolder)
  .sort()
  .slice(84, 92);

test.describe.serial('super-resolution panel @panels', () => {
  const headers = mrFiles.map((file) => ({ file, ...readHeader(file) }));
  const studyUid = headers[0]?.studyInstanceUid ?? '';
  let derivedUid = '';
  /** True once the active viewport shows one of the imported source slices. */
  const showsSource = async (page: Page): Promise<boolean> => {
    const uid = (await activeImage(page))?.sopInstanceUid;
    return headers.some((header) => header.sopInstanceUid === uid);
  };

  /** Opens the study with the source series in the active viewport (it also holds derived series by now); the header of the slice shown. */
  const openSourceSlice = async (page: Page, url: string): Promise<DicomHeader & { file: string }> => {
    await openStudy(page, url, studyUid);
    await page.locator(`[data-testid="series-item"][data-series-uid="${headers[0]?.seriesInstanceUid ?? ''}"]`).click();
    await expect.poll(() => showsSource(page), { timeout: 20_000 }).toBe(true);
    const shown = await activeImage(page);
    const source = headers.find((header) => header.sopInstanceUid === shown?.sopInstanceUid);
    if (!source) throw new Error('the active slice is not one of the imported files');
    return source;
  };

  test.beforeAll(({ webHost }) => {
    const report = importLinked(webHost, mrFiles);
    expect(report.instances + report.duplicates).toBe(mrFiles.length);
  });
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  test('previews ×4 of the current slice at four times its size, with the bicubic beside it @panels', async ({ page, webHost }) => {
    await openStudy(page, webHost.url, studyUid);
    await page.keyboard.press('Alt+KeyS');
    const panel = page.getByTestId('superres-panel');
    await expect(panel).toBeVisible();
    await panel.getByTestId('superres-superres-x4').check();
    await panel.getByTestId('superres-preview').click();
    const canvas = panel.getByTestId('superres-compare-canvas');
    await expect(canvas).toBeVisible({ timeout: 60_000 });

    const shown = await activeImage(page);
    const source = headers.find((header) => header.sopInstanceUid === shown?.sopInstanceUid);
    expect(source, 'the active slice is one of the imported files').toBeDefined();
    const size = await canvas.evaluate((element) => [(element as HTMLCanvasElement).width, (element as HTMLCanvasElement).height]);
    expect(size).toEqual([(source?.columns ?? 0) * 4, (source?.rows ?? 0) * 4]);
    await expect(panel.getByTestId('ai-label')).toContainText('AI-generated — not for diagnosis');
    await expect(panel.getByTestId('ai-label')).toContainText(/super-resolution ×4 .* · (CPU|WEBGPU|CUDA)$/);

    // On MR with the skull in it the model is measured worse than bicubic (the manifest's trainedOn): the panel
    // says so and shows bicubic against the original, until the reader asks for the model's output.
    await expect(panel.getByTestId('bicubic-preferred')).toContainText('worse than bicubic');
    await expect(panel.getByTestId('superres-baseline')).toHaveCount(0);
    await panel.getByTestId('superres-show-model').check();

    // The before side is the bicubic upsample: switching to the original pixels changes what is drawn.
    const fingerprint = () =>
      canvas.evaluate((element) => {
        const c = element as HTMLCanvasElement;
        const data = c.getContext('2d')?.getImageData(0, 0, c.width / 2, c.height).data ?? new Uint8ClampedArray();
        let hash = 0;
        for (let i = 0; i < data.length; i += 4) hash = (hash * 31 + (data[i] ?? 0)) % 1_000_000_007;
        return hash;
      });
    const withBicubic = await fingerprint();
    await panel.getByTestId('superres-baseline').selectOption('original');
    await expect.poll(fingerprint).not.toBe(withBicubic);
    await panel.getByTestId('superres-baseline').selectOption('bicubic');

    // The divider moves where it is dragged, and the loupe follows the pointer.
    const box = await canvas.boundingBox();
    if (!box) throw new Error('no canvas box');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5, { steps: 4 });
    await page.mouse.up();
    await expect(panel.getByTestId('superres-compare-divider')).toHaveValue(/^(29|30|31)$/);
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.4);
    await expect(panel.getByTestId('loupe')).toBeVisible();
    await page.screenshot({ path: screenshotPath('panel-super-resolution.png') });

    // A rectangle ROI drawn on the slice: the preview covers just that region, at 4× its size.
    await page.keyboard.press('g');
    await dragOnViewport(page, [0.4, 0.35], [0.6, 0.55]);
    const rectangle = await page.evaluate(() => window.radstationViewer?.measurements().find((m) => m.toolName === 'RectangleROI'));
    expect(rectangle, 'a rectangle ROI was drawn').toBeDefined();
    const corners = await page.evaluate((uid) => window.radstationViewer?.measurementHandles(uid), rectangle?.annotationUid ?? '');
    if (!corners) throw new Error('no ROI handles');
    // The region is every source pixel the rectangle touches: whole pixels from the lowest to the highest handle.
    const xs = corners.map(([x]) => x);
    const ys = corners.map(([, y]) => y);
    const roiWidth = Math.ceil(Math.max(...xs)) - Math.floor(Math.min(...xs));
    const roiHeight = Math.ceil(Math.max(...ys)) - Math.floor(Math.min(...ys));
    expect(roiWidth).toBeGreaterThan(10);
    await panel.getByTestId('superres-region-roi').check();
    await panel.getByTestId('superres-preview').click();
    await expect
      .poll(() => canvas.evaluate((element) => [(element as HTMLCanvasElement).width, (element as HTMLCanvasElement).height]), { timeout: 60_000 })
      .toEqual([roiWidth * 4, roiHeight * 4]);
  });

  test('saves the series ×4; it appears in the study with a quarter of the pixel spacing @panels', async ({ page, webHost }) => {
    await openStudy(page, webHost.url, studyUid);
    await expect(page.getByTestId('series-item')).toHaveCount(1);
    await page.keyboard.press('Alt+KeyS');
    const panel = page.getByTestId('superres-panel');
    await panel.getByTestId('superres-superres-x4').check();
    await panel.getByTestId('superres-save').click();
    await expect(panel.getByTestId('job-progress-count')).toHaveText(new RegExp(`^Slice \\d+/${mrFiles.length}$`));
    await expect(panel.getByTestId('job-completed')).toBeVisible({ timeout: 110_000 });
    derivedUid = (await panel.getByTestId('superres-open-result').getAttribute('data-series-uid')) ?? '';
    expect(derivedUid).toMatch(/^[0-9.]+$/);

    // The study now lists the derived series, and it opens beside its source.
    await expect(page.locator(`[data-testid="series-item"][data-series-uid="${derivedUid}"]`)).toBeVisible();
    await panel.getByTestId('superres-open-result').click();
    await expect(page.locator(`[data-testid="viewport-vp-1"][data-series-uid="${derivedUid}"]`)).toBeVisible();

    // The saved files, read independently: four times the matrix, a quarter of the spacing.
    const files = derivedFiles(webHost, derivedUid);
    expect(files).toHaveLength(mrFiles.length);
    const source = headers[0];
    if (!source) throw new Error('no source header');
    for (const file of files) {
      const derived = readHeader(file);
      expect(derived.seriesInstanceUid).toBe(derivedUid);
      expect(derived.studyInstanceUid).toBe(studyUid);
      expect([derived.rows, derived.columns]).toEqual([source.rows * 4, source.columns * 4]);
      expect(derived.pixelSpacing[0]).toBeCloseTo(source.pixelSpacing[0] / 4, 6);
      expect(derived.pixelSpacing[1]).toBeCloseTo(source.pixelSpacing[1] / 4, 6);
      expect(derived.imageType).toMatch(/^DERIVED\\SECONDARY/);
    }
    // The cache owns the result: its files sit in the cache folder, so deleting the study removes them.
    for (const file of files) expect(path.relative(webHost.cacheDir, file).startsWith('..')).toBe(false);
  });

  test('saves just the slice on screen ×4: one image, a quarter of the spacing, referencing that slice @panels', async ({ page, webHost }) => {
    const source = await openSourceSlice(page, webHost.url);
    await page.keyboard.press('Alt+KeyS');
    const panel = page.getByTestId('superres-panel');
    await panel.getByTestId('superres-superres-x4').check();
    await panel.getByTestId('superres-save-slice').click();
    await expect(panel.getByTestId('job-completed')).toContainText('Saved the slice ×4 as a one-image derived series', { timeout: 60_000 });
    const sliceUid = (await panel.getByTestId('superres-open-result').getAttribute('data-series-uid')) ?? '';
    expect(sliceUid).toMatch(/^[0-9.]+$/);
    expect(sliceUid).not.toBe(derivedUid);
    await expect(page.locator(`[data-testid="series-item"][data-series-uid="${sliceUid}"]`)).toBeVisible();

    const files = derivedFiles(webHost, sliceUid);
    expect(files).toHaveLength(1);
    const derived = readHeader(files[0]!);
    expect([derived.rows, derived.columns]).toEqual([source.rows * 4, source.columns * 4]);
    expect(derived.pixelSpacing[0]).toBeCloseTo(source.pixelSpacing[0] / 4, 6);
    expect(derived.pixelSpacing[1]).toBeCloseTo(source.pixelSpacing[1] / 4, 6);
    expect(derived.imageType).toMatch(/^DERIVED\\SECONDARY/);
    expect(derived.seriesDescription).toMatch(/^AI: /);
    const bytes = fs.readFileSync(files[0]!);
    const dataSet = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
    expect(dataSet.elements.x00082112?.items?.[0]?.dataSet?.string('x00081155')).toBe(source.sopInstanceUid);
  });

  test('saves just a drawn region ×4: its size ×4, and its first pixel where the region starts in the patient @panels', async ({ page, webHost }) => {
    const source = await openSourceSlice(page, webHost.url);
    await page.keyboard.press('g');
    await dragOnViewport(page, [0.42, 0.38], [0.58, 0.52]);
    const rectangle = await page.evaluate(() => window.radstationViewer?.measurements().find((m) => m.toolName === 'RectangleROI'));
    const corners = await page.evaluate((uid) => window.radstationViewer?.measurementHandles(uid), rectangle?.annotationUid ?? '');
    if (!corners) throw new Error('no ROI handles');
    // Every source pixel the rectangle touches: whole pixels from the lowest to the highest handle.
    const x = Math.floor(Math.min(...corners.map(([column]) => column)));
    const y = Math.floor(Math.min(...corners.map(([, row]) => row)));
    const width = Math.ceil(Math.max(...corners.map(([column]) => column))) - x;
    const height = Math.ceil(Math.max(...corners.map(([, row]) => row))) - y;
    expect(width).toBeGreaterThan(10);

    await page.keyboard.press('Alt+KeyS');
    const panel = page.getByTestId('superres-panel');
    await panel.getByTestId('superres-superres-x4').check();
    await panel.getByTestId('superres-region-roi').check();
    await panel.getByTestId('superres-save-region').click();
    await expect(panel.getByTestId('job-completed')).toContainText('Saved the region of the slice ×4', { timeout: 60_000 });
    const regionUid = (await panel.getByTestId('superres-open-result').getAttribute('data-series-uid')) ?? '';
    const files = derivedFiles(webHost, regionUid);
    expect(files).toHaveLength(1);

    // Geometry read here with dicom-parser from both files: IPP + column·Δc·row cosine + row·Δr·column cosine.
    const geometry = (file: string) => {
      const bytes = fs.readFileSync(file);
      const ds = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
      const list = (tag: string, n: number) => Array.from({ length: n }, (_, i) => ds.floatString(tag, i) ?? NaN);
      const [rowSpacing, columnSpacing] = list('x00280030', 2) as [number, number];
      const position = list('x00200032', 3);
      const orientation = list('x00200037', 6);
      return {
        rows: ds.uint16('x00280010') ?? 0,
        columns: ds.uint16('x00280011') ?? 0,
        point: (column: number, row: number) => [0, 1, 2].map((a) => position[a]! + column * columnSpacing * orientation[a]! + row * rowSpacing * orientation[a + 3]!),
      };
    };
    const from = geometry(source.file);
    const derived = geometry(files[0]!);
    expect([derived.rows, derived.columns]).toEqual([height * 4, width * 4]);
    // Derived pixel (0, 0) is the top-left sixteenth of source pixel (x, y): 3/8 of a source pixel in from its centre.
    const expected = from.point(x - 0.375, y - 0.375);
    derived.point(0, 0).forEach((value, axis) => expect(Math.abs(value - expected[axis]!)).toBeLessThan(1e-3));
  });
});
