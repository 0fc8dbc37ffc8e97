import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { pydicomUnavailable, pythonWithPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { importLinked, studyUidOf } from './cli-import';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { callHost } from './host-call';

/**
 * A reader opens a study holding reports, a PDF, key objects, a presentation state, an RT plan and
 * images without pixels. Each is shown as what it is, never as a black viewport. The objects are
 * written by pydicom (tests/helpers/non_image_objects.py) and Radstation's own report export, and
 * what the test expects to read is what dcmtk's dsrdump prints for them, not what the app parses.
 */
const corpus = sharedDataPath('dicom', 'conformance', 'pydicom');
const ctFile = path.join(corpus, 'CT_small.dcm');
const generator = path.join(process.cwd(), 'tests', 'helpers', 'non_image_objects.py');
type Written = Record<string, { path: string; sop: string; series: string }>;

async function showSeries(page: Page, seriesUid: string): Promise<void> {
  await page.locator(`[data-testid="series-item"][data-series-uid="${seriesUid}"]`).click();
  await expect(page.getByTestId('viewport-vp-0')).toHaveAttribute('data-series-uid', seriesUid);
}

test.describe.serial('non-image objects in the viewer', () => {
  const skipReason = pydicomUnavailable();
  test.skip(skipReason !== undefined, `needs pydicom to write the objects: ${skipReason}`);
  let studyUid = '';
  let objects: Written = {};
  let radstationSr = '';
  let pdfBytes = Buffer.alloc(0);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-non-image-'));

  test.beforeAll(async ({ webHost }) => {
    importLinked(webHost, [ctFile]);
    studyUid = studyUidOf(ctFile);
    // Radstation's own report, exported as a Basic Text SR into the study and as a PDF.
    const draft = await callHost<{ revision: number }>(webHost, 'reports.get', { studyInstanceUid: studyUid });
    await callHost(webHost, 'reports.save', {
      studyInstanceUid: studyUid,
      baseRevision: draft.revision,
      findings: 'Radstation finding: no acute intracranial abnormality.',
      impression: 'Normal study.',
      entries: [],
    });
    radstationSr = (await callHost<{ seriesInstanceUid: string }>(webHost, 'reports.exportSr', { studyInstanceUid: studyUid })).seriesInstanceUid;
    const pdf = await callHost<{ pdfBase64: string }>(webHost, 'reports.exportPdf', { studyInstanceUid: studyUid });
    pdfBytes = Buffer.from(pdf.pdfBase64, 'base64');
    const pdfPath = path.join(workDir, 'report.pdf');
    fs.writeFileSync(pdfPath, pdfBytes);
    objects = JSON.parse(execFileSync(pythonWithPydicom, [generator, ctFile, pdfPath, workDir, corpus], { encoding: 'utf8' })) as Written;
    importLinked(webHost, Object.values(objects).map((object) => object.path));
  });
  test.afterAll(async ({ webHost }) => {
    await emptyCache(webHost);
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  async function open(page: Page, url: string): Promise<void> {
    await page.goto(url);
    await page.locator(`tr[data-study-uid="${studyUid}"]`).dblclick();
    await expect(page.getByTestId('viewer')).toBeVisible();
    await page.getByLabel('Layout').getByRole('button', { name: '1×1', exact: true }).click();
  }

  test('structured reports show their content tree as readable text', async ({ page, webHost }) => {
    await open(page, webHost.url);
    const view = page.getByTestId('viewport-vp-0').getByTestId('sr-view');
    // Each expectation is a line dsrdump prints for the file.
    const expectations: [string, string[]][] = [
      ['comprehensive-sr', ['Comprehensive SR', 'Diagnosis', 'Text Code: A mass of', 'Diameter: 3 cm', 'was detected.', 'Sample Code 1', 'COMPLETE', 'VERIFIED']],
      ['enhanced-sr', ['Enhanced SR', 'Imaging Measurement Report', 'Finding: Small hypodense lesion in segment VI', 'Length: 12.5 mm']],
      ['basic-sr', ['Basic Text SR', 'Document Title', 'Section Heading', 'Report Text: Enter text']],
    ];
    for (const [name, lines] of expectations) {
      await showSeries(page, objects[name]?.series ?? '');
      await expect(view).toBeVisible();
      for (const line of lines) await expect(view).toContainText(line);
    }
    await showSeries(page, radstationSr);
    await expect(view).toContainText('Finding: Radstation finding: no acute intracranial abnormality.');
    await expect(view).toContainText('Impression: Normal study.');
    await expect(view).toContainText('PARTIAL');
  });

  test('an encapsulated PDF is shown in the viewport, byte for byte, within the security policy', async ({ page, webHost }) => {
    await page.addInitScript(() => {
      const violations: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = violations;
      document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    await open(page, webHost.url);
    await showSeries(page, objects['pdf']?.series ?? '');
    const frame = page.getByTestId('viewport-vp-0').getByTestId('pdf-frame');
    await expect(frame).toBeVisible();
    const box = await frame.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(200);
    expect(box?.height ?? 0).toBeGreaterThan(200);
    // The frame shows a blob of the page's own making; saving it yields the very bytes Radstation's export wrote.
    const save = page.getByTestId('viewport-vp-0').getByRole('link', { name: 'Save the PDF' });
    expect(await frame.getAttribute('src')).toMatch(/^blob:/);
    expect(await save.getAttribute('href')).toBe(await frame.getAttribute('src'));
    const downloading = page.waitForEvent('download');
    await save.click();
    const saved = fs.readFileSync((await (await downloading).path()) ?? '');
    expect(saved.equals(pdfBytes)).toBe(true);
    // Only the document's own violations count here: a library probing for eval is refused by design, as before.
    const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    expect(violations.filter((violation) => /^(frame|child|object)-src|blob:/.test(violation))).toEqual([]);
  });

  test('key objects and presentation states list what they reference, and open it', async ({ page, webHost }) => {
    await open(page, webHost.url);
    const pane = page.getByTestId('viewport-vp-0');
    const ctSeriesUid = execFileSync('dcmdump', ['+P', '0020,000e', '-q', ctFile], { encoding: 'utf8' }).match(/\[([0-9.]+)\]/)?.[1] ?? '';
    await showSeries(page, objects['ko']?.series ?? '');
    const references = pane.getByTestId('object-references');
    await expect(references).toContainText('Key Object Selection');
    await expect(references).toContainText('Of Interest');
    await expect(references).toContainText('Lesion seen best here');
    await expect(references.getByTestId('referenced-series')).toHaveCount(1);
    await expect(references.getByTestId('referenced-series')).toContainText('1 image');
    await showSeries(page, objects['pr']?.series ?? '');
    await expect(references).toContainText('Presentation State');
    await expect(references).toContainText('LIVER_WINDOW');
    await expect(references).toContainText('Liver window on the key slice');
    await references.getByTestId('referenced-series').click();
    await expect(pane).toHaveAttribute('data-series-uid', ctSeriesUid);
    await expect(pane.getByTestId('overlay-slice')).toHaveText('Im 1/1');
  });

  test('objects that cannot be shown say why instead of a black viewport', async ({ page, webHost }) => {
    await open(page, webHost.url);
    const pane = page.getByTestId('viewport-vp-0');
    const cases: [string, RegExp][] = [
      ['rtplan', /RT Plan.*not an image/i],
      ['no-pixel-data', /no Pixel Data/i],
      ['empty-pixel-data', /Pixel Data is empty/i],
    ];
    for (const [name, reason] of cases) {
      await showSeries(page, objects[name]?.series ?? '');
      await expect(pane.getByRole('alert')).toHaveText(reason);
    }
  });
});
