import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import dicomParser from 'dicom-parser';
import { sharedDataPath } from '../helpers/shared-data';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { dot, type Vec3 } from '../helpers/volume-geometry';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { openStudy } from './viewer-page';
import { importLinked, studyUidOf } from './cli-import';

/**
 * MPR opened while reading a slice away from the middle of the Siemens MPRAGE (176 sagittal
 * slices, 1 mm apart): the three reformats must cross at that slice, linked by reference lines,
 * with the patient directions at their edges. The slice's centre comes from its file here
 * (dicom-parser), not from the viewer.
 */
const mrFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens'));

interface MprView {
  viewportId: string;
  orientation: 'axial' | 'sagittal' | 'coronal';
  viewPlaneNormal: Vec3;
  focalPoint: Vec3;
}

async function mprViews(page: Page): Promise<MprView[]> {
  return page.evaluate(() => window.radstationViewer?.mprViews().views ?? []);
}

/** The centre of a slice in patient millimetres: its first pixel's position plus half its extent along rows and columns. */
function sliceCentreFromFile(file: string): Vec3 {
  const bytes = fs.readFileSync(file);
  const ds = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
  const numbers = (tag: string) => (ds.string(tag) ?? '').split('\\').map(Number);
  const position = numbers('x00200032');
  const orientation = numbers('x00200037');
  const [rowSpacing = NaN, columnSpacing = NaN] = numbers('x00280030');
  const rows = ds.uint16('x00280010') ?? NaN;
  const columns = ds.uint16('x00280011') ?? NaN;
  return [0, 1, 2].map(
    (axis) => (position[axis] ?? NaN) + (orientation[axis] ?? NaN) * columnSpacing * ((columns - 1) / 2) + (orientation[axis + 3] ?? NaN) * rowSpacing * ((rows - 1) / 2),
  ) as Vec3;
}

function fileOfSop(sopInstanceUid: string): string {
  for (const file of mrFiles) {
    const bytes = fs.readFileSync(file);
    const ds = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
    if (ds.string('x00080018') === sopInstanceUid) return file;
  }
  throw new Error(`no file for ${sopInstanceUid}`);
}

test.describe.serial('MPR opened from a slice of the stack', () => {
  let studyUid = '';

  test.beforeAll(({ webHost }) => {
    const { instances, duplicates } = importLinked(webHost, [path.dirname(mrFiles[0] ?? '')]);
    expect(instances + duplicates).toBe(mrFiles.length);
    studyUid = studyUidOf(mrFiles[0] ?? '');
  });
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  test('the three reformats cross at the slice being read, show reference lines and label the patient directions', async ({ page, webHost }) => {
    test.setTimeout(180_000);
    await openStudy(page, webHost.url, studyUid);
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 1/176');

    // The reader pages down to slice 31, far from the middle (88).
    await page.getByTestId('viewport-vp-0').click();
    for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 31/176');
    const reading = await page.evaluate(() => window.radstationViewer?.getActiveImage());
    if (!reading?.sopInstanceUid) throw new Error('no image is shown');
    const centre = sliceCentreFromFile(fileOfSop(reading.sopInstanceUid));

    await page.getByRole('button', { name: 'MPR', exact: true }).click();
    await expect(page.getByTestId('mpr-view')).toBeVisible();
    await expect.poll(async () => (await mprViews(page)).length, { message: 'three reformats are shown' }).toBe(3);

    // Every view's plane passes through the slice's centre, within half a 1 mm voxel.
    const distances = async () => Object.fromEntries((await mprViews(page)).map((v) => [v.orientation, Math.abs(dot(v.viewPlaneNormal, [0, 1, 2].map((a) => (v.focalPoint[a] ?? NaN) - (centre[a] ?? NaN)) as Vec3))]));
    await expect
      .poll(async () => Math.max(...Object.values(await distances())), { message: 'the reformats cross at the slice being read, not the volume centre' })
      .toBeLessThanOrEqual(0.5);
    console.log(`distance of each reformat's plane from slice 31's centre (mm): ${JSON.stringify(await distances())}`);

    for (const orientation of ['axial', 'sagittal', 'coronal'] as const) {
      const pane = page.getByTestId(`mpr-${orientation}`);
      // The two other planes are drawn across each view (Cornerstone draws each as line segments in the pane's SVG layer).
      await expect.poll(async () => pane.locator('svg line').count(), { message: `reference lines on the ${orientation} view` }).toBeGreaterThanOrEqual(2);
      const colours = await pane.locator('svg line').evaluateAll((lines) => [...new Set(lines.map((line) => line.getAttribute('stroke') ?? ''))]);
      expect(colours.filter((c) => c !== '').length, `the ${orientation} view's lines are coloured per plane`).toBeGreaterThanOrEqual(2);
    }

    // The lines are linked: scrolling the axial view moves the axial plane's line (drawn in the axial
    // view's colour) in the sagittal view.
    const axialColour = await page.getByTestId('mpr-axial').locator('.corner.top-left').evaluate((title) => getComputedStyle(title).color);
    const axialLineHeight = async () =>
      page
        .getByTestId('mpr-sagittal')
        .locator('svg line')
        .evaluateAll((lines, colour) => {
          const mine = lines.filter((line) => line.getAttribute('stroke')?.replace(/\s/g, '') === colour.replace(/\s/g, ''));
          const y = mine.flatMap((line) => [Number(line.getAttribute('y1')), Number(line.getAttribute('y2'))]);
          return y.length > 0 ? y.reduce((a, b) => a + b, 0) / y.length : NaN;
        }, axialColour);
    const before = await axialLineHeight();
    expect(before, 'the axial plane is drawn across the sagittal view in its colour').not.toBeNaN();
    await page.getByTestId('mpr-axial').hover();
    // Each wheel step is one axial slice (1 mm, under a screen pixel here): ten of them move the line visibly.
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 300);
    await expect.poll(async () => Math.abs((await axialLineHeight()) - before), { message: 'the axial line moves in the sagittal view' }).toBeGreaterThan(4);

    // The patient directions on each view's edges (LPS axes; the MPRAGE is nearly aligned with them).
    const expectedEdges = { axial: ['A', 'P', 'R', 'L'], sagittal: ['S', 'I', 'A', 'P'], coronal: ['S', 'I', 'R', 'L'] };
    for (const [orientation, [top, bottom, left, right]] of Object.entries(expectedEdges)) {
      await expect(page.getByTestId(`mpr-${orientation}-orientation-top`)).toHaveText(top ?? '');
      await expect(page.getByTestId(`mpr-${orientation}-orientation-bottom`)).toHaveText(bottom ?? '');
      await expect(page.getByTestId(`mpr-${orientation}-orientation-left`)).toHaveText(left ?? '');
      await expect(page.getByTestId(`mpr-${orientation}-orientation-right`)).toHaveText(right ?? '');
    }
    await page.screenshot({ path: path.join('test-results', 'mpr-focus.png') });
  });

  test('back to the stack, the reader is at the slice the reformats crossed at, not image 1', async ({ page, webHost }) => {
    test.setTimeout(180_000);
    await openStudy(page, webHost.url, studyUid);
    await page.getByTestId('viewport-vp-0').click();
    for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 31/176');

    // Straight back without moving: the same slice.
    await page.getByRole('button', { name: 'MPR', exact: true }).click();
    await expect.poll(async () => (await mprViews(page)).length).toBe(3);
    await page.getByRole('button', { name: '← Stack view' }).click();
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 31/176');

    // The reader waits for the reformats to settle on slice 31, scrolls the sagittal one (the stack's own plane) twelve slices, then leaves with the toolbar.
    const reading = await page.evaluate(() => window.radstationViewer?.getActiveImage());
    if (!reading?.sopInstanceUid) throw new Error('no image is shown');
    const readCentre = sliceCentreFromFile(fileOfSop(reading.sopInstanceUid));
    await page.getByRole('button', { name: 'MPR', exact: true }).click();
    await expect.poll(async () => (await mprViews(page)).length).toBe(3);
    const sagittalPlane = async () => (await mprViews(page)).find((v) => v.orientation === 'sagittal');
    await expect
      .poll(async () => {
        const view = await sagittalPlane();
        return view ? Math.abs(dot(view.viewPlaneNormal, [0, 1, 2].map((a) => (view.focalPoint[a] ?? NaN) - (readCentre[a] ?? NaN)) as Vec3)) : Infinity;
      }, { message: 'the sagittal reformat opens on slice 31' })
      .toBeLessThanOrEqual(0.5);
    const before = await sagittalPlane();
    await page.getByTestId('mpr-sagittal').hover();
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 300);
    await expect.poll(async () => {
      const now = await sagittalPlane();
      return now && before ? Math.abs(dot(now.viewPlaneNormal, [0, 1, 2].map((a) => (now.focalPoint[a] ?? NaN) - (before.focalPoint[a] ?? NaN)) as Vec3)) : 0;
    }, { message: 'the sagittal reformat moved' }).toBeGreaterThan(5);
    const left = await sagittalPlane();
    if (!left) throw new Error('no sagittal view');
    await page.getByRole('button', { name: 'Stack', exact: true }).click();
    await expect(page.getByTestId('mpr-view')).toHaveCount(0);
    await expect(page.getByTestId('overlay-slice')).not.toHaveText('Im 1/176');
    await expect(page.getByTestId('overlay-slice')).not.toHaveText('Im 31/176');

    // The slice now shown lies on the plane the sagittal reformat showed, within half a 1 mm slice (its file says where).
    const shown = await page.evaluate(() => window.radstationViewer?.getActiveImage());
    if (!shown?.sopInstanceUid) throw new Error('no image is shown');
    const centre = sliceCentreFromFile(fileOfSop(shown.sopInstanceUid));
    const offset = Math.abs(dot(left.viewPlaneNormal, [0, 1, 2].map((a) => (centre[a] ?? NaN) - (left.focalPoint[a] ?? NaN)) as Vec3));
    expect(offset, 'the stack slice shown is the one the sagittal reformat was on').toBeLessThanOrEqual(0.5);
  });
});
