import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { pydicomAvailable, pythonWithPydicom, runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { execFileSync } from 'node:child_process';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { derivedEntries, derivedFiles, importLinked, openStudy, readHeader, screenshotPath } from './imaging-panels';

/**
 * The modality conversion panel in Chromium against the web host and the shipped compact
 * bundle. The T1 volume of a BraTS case (NIfTI) is written as DICOM here, with nibabel and
 * pydicom: 24 axial slices through the ventricles, so a run takes seconds, not minutes.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const t1Volume = sharedDataPath('volumes', 'brain-multicontrast', 'brats-gli-00001', 't1.nii.gz');
const sliceCount = 24;

interface Converted {
  files: string[];
  studyUid: string;
  seriesUid: string;
  rows: number;
  columns: number;
}

function convertT1(outDir: string): Converted {
  const script = path.join(here, '..', 'helpers', 'nifti_to_dicom.py');
  const output = execFileSync(pythonWithPydicom, [script, t1Volume, outDir, '66', String(sliceCount), 'T1 (BraTS-GLI-00001)'], { encoding: 'utf8' });
  return JSON.parse(output) as Converted;
}

async function sliceText(page: Page, viewportId: string): Promise<string> {
  return (await page.locator(`[data-testid="viewport-${viewportId}"] [data-testid="overlay-slice"]`).textContent()) ?? '';
}

/** The viewport's zoom as its overlay shows it, e.g. "Zoom 3.33×". */
async function zoomText(page: Page, viewportId: string): Promise<string> {
  return (await page.getByTestId(`viewport-${viewportId}`).getByText(/^Zoom /).textContent()) ?? '';
}

const canRun = pydicomAvailable();
test.describe.serial('modality conversion panel @panels', () => {
  test.skip(!canRun, `${pythonWithPydicom} lacks pydicom, numpy or nibabel, needed to write the T1 volume as DICOM`);
  let converted: Converted;
  let workDir = '';

  test.beforeAll(({ webHost }) => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-t1-'));
    converted = convertT1(workDir);
    expect(converted.files).toHaveLength(sliceCount);
    const report = importLinked(webHost, [workDir]);
    expect(report.instances).toBe(sliceCount);
  });
  test.afterAll(async ({ webHost }) => {
    await emptyCache(webHost);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('T1→T2: preview, run with progress, cancel (nothing saved), run again, open side by side with scroll and zoom synchronised @panels', async ({ page, webHost }) => {
    await openStudy(page, webHost.url, converted.studyUid);
    await page.keyboard.press('Alt+KeyM');
    const panel = page.getByTestId('conversion-panel');
    await expect(panel).toBeVisible();

    // CT↔MR is listed but disabled, with the manifest's reason.
    await expect(panel.getByTestId('task-mr-to-ct')).toBeDisabled();
    await expect(panel.getByTestId('task-reason-mr-to-ct')).toContainText('paired CT/MR');
    await expect(panel.getByTestId('task-mr-t1-to-t2')).toBeEnabled();
    await panel.getByTestId('task-mr-t1-to-t2').check();

    // A quick preview of the slice on screen: same size, labelled.
    await panel.getByTestId('conversion-preview').click();
    const canvas = panel.getByTestId('conversion-compare-canvas');
    await expect(canvas).toBeVisible({ timeout: 60_000 });
    expect(await canvas.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height])).toEqual([converted.columns, converted.rows]);
    await expect(panel.getByTestId('ai-label')).toContainText(/T1 → T2 .* · (CPU|WEBGPU|CUDA)$/);

    // Zoomed in before the run: Esc will cancel the job without resetting this view.
    await page.getByTestId('viewport-vp-0').click();
    const fitted = await zoomText(page, 'vp-0');
    await page.keyboard.press('+');
    await expect.poll(() => zoomText(page, 'vp-0')).not.toBe(fitted);
    const zoomed = await zoomText(page, 'vp-0');

    // First run: progress k/N, then Esc cancels it and nothing is saved.
    await panel.getByTestId('conversion-run').click();
    await expect(panel.getByTestId('job-progress-count')).toHaveText(new RegExp(`^Slice \\d+/${sliceCount}$`));
    await expect(panel.getByTestId('job-progress')).toContainText(/(CPU|WEBGPU|CUDA) · \d+\.\d s/);
    await page.keyboard.press('Escape');
    await expect(panel.getByTestId('job-cancelled')).toBeVisible({ timeout: 60_000 });
    expect(derivedEntries(webHost), 'no derived series or staging folder is left behind').toEqual([]);
    expect(await zoomText(page, 'vp-0'), 'Esc cancelled the job only; the view kept its zoom').toBe(zoomed);
    await expect(page.getByTestId('series-item')).toHaveCount(1);

    // Second run: completes, saved, and opened beside the source.
    await panel.getByTestId('conversion-run').click();
    await expect(panel.getByTestId('job-completed')).toBeVisible({ timeout: 110_000 });
    const derivedUid = (await panel.getByTestId('conversion-open-result').getAttribute('data-series-uid')) ?? '';
    await expect(page.locator(`[data-testid="series-item"][data-series-uid="${derivedUid}"]`)).toBeVisible();
    const files = derivedFiles(webHost, derivedUid);
    expect(files).toHaveLength(sliceCount);
    const header = readHeader(files[0] ?? '');
    expect([header.rows, header.columns, header.studyInstanceUid]).toEqual([converted.rows, converted.columns, converted.studyUid]);
    // The description names the task with its arrow; pydicom decodes it by the file's character set.
    const description = runPydicom<string>('import sys, json, pydicom; print(json.dumps(str(pydicom.dcmread(sys.argv[1]).SeriesDescription)))', [files[0] ?? '']);
    expect(description).toMatch(/^AI: .*T1 → T2/);
    await expect(page.locator(`[data-testid="series-item"][data-series-uid="${derivedUid}"]`)).toContainText('T1 → T2');

    const source = page.getByTestId('viewport-vp-0');
    const result = page.getByTestId('viewport-vp-1');
    await expect(source).toHaveAttribute('data-series-uid', converted.seriesUid);
    await expect(result).toHaveAttribute('data-series-uid', derivedUid);
    await expect.poll(() => sliceText(page, 'vp-1')).toBe(await sliceText(page, 'vp-0'));

    // Scrolling the source moves the result to the matching slice, and the other way round.
    await source.click();
    for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => sliceText(page, 'vp-0')).toBe(`Im 8/${sliceCount}`);
    await expect.poll(() => sliceText(page, 'vp-1')).toBe(`Im 8/${sliceCount}`);
    await result.hover();
    await page.mouse.wheel(0, 300);
    await expect.poll(() => sliceText(page, 'vp-1'), { message: 'the wheel scrolls the result' }).not.toBe(`Im 8/${sliceCount}`);
    const moved = await sliceText(page, 'vp-1');
    await expect.poll(() => sliceText(page, 'vp-0')).toBe(moved);

    // Zoom follows too, both ways.
    await expect.poll(() => zoomText(page, 'vp-1')).toBe(await zoomText(page, 'vp-0'));
    const before = await zoomText(page, 'vp-0');
    await source.click();
    await page.keyboard.press('+');
    await expect.poll(() => zoomText(page, 'vp-0')).not.toBe(before);
    await expect.poll(() => zoomText(page, 'vp-1')).toBe(await zoomText(page, 'vp-0'));
    await result.click();
    await page.keyboard.press('-');
    await expect.poll(() => zoomText(page, 'vp-1')).toBe(before);
    await expect.poll(() => zoomText(page, 'vp-0')).toBe(before);
    await page.screenshot({ path: screenshotPath('panel-modality-conversion.png') });
  });

  test('T1→T2 of just the slice on screen: a one-image derived series referencing it @panels', async ({ page, webHost }) => {
    await openStudy(page, webHost.url, converted.studyUid);
    // The study has the source and the series converted above: show the source.
    await page.locator(`[data-testid="series-item"][data-series-uid="${converted.seriesUid}"]`).click();
    await expect(page.getByTestId('viewport-vp-0')).toHaveAttribute('data-series-uid', converted.seriesUid);
    await page.getByTestId('viewport-vp-0').click();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => sliceText(page, 'vp-0')).toBe(`Im 6/${sliceCount}`);
    const shownUid = await page.evaluate(() => window.radstationViewer?.getActiveImage()?.sopInstanceUid);
    await page.keyboard.press('Alt+KeyM');
    const panel = page.getByTestId('conversion-panel');
    await panel.getByTestId('task-mr-t1-to-t2').check();
    await panel.getByTestId('conversion-save-slice').click();
    await expect(panel.getByTestId('job-completed')).toContainText('Saved the converted slice as a one-image derived series', { timeout: 60_000 });
    const sliceUid = (await panel.getByTestId('conversion-open-result').getAttribute('data-series-uid')) ?? '';
    await expect(page.locator(`[data-testid="series-item"][data-series-uid="${sliceUid}"]`)).toBeVisible();
    const files = derivedFiles(webHost, sliceUid);
    expect(files).toHaveLength(1);
    const header = readHeader(files[0] ?? '');
    expect([header.rows, header.columns, header.studyInstanceUid]).toEqual([converted.rows, converted.columns, converted.studyUid]);
    const reference = runPydicom<string>('import sys, json, pydicom; print(json.dumps(str(pydicom.dcmread(sys.argv[1]).SourceImageSequence[0].ReferencedSOPInstanceUID)))', [files[0] ?? '']);
    expect(shownUid).toBeTruthy();
    expect(reference).toBe(shownUid);
  });
});
