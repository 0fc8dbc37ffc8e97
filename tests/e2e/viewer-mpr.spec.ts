import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import dicomParser from 'dicom-parser';
import { readRawImage, type RawImage } from '../helpers/dicom-pixels';
import { sharedDataPath } from '../helpers/shared-data';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { cross, dot, readVolumeBox, sectionExtents, type Vec3, type VolumeBox } from '../helpers/volume-geometry';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { brightBox, canvasStats, openStudy } from './viewer-page';
import { importLinked, studyUidOf } from './cli-import';

/**
 * MPR on the Siemens MPRAGE (176 sagittal slices, 1 mm, evenly spaced, slightly oblique):
 * the three reformats must show images whose size on screen is the section of the
 * volume, computed here from the files' positions, orientations and spacing.
 */
const mrFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens'));

interface MprView {
  viewportId: string;
  orientation: 'axial' | 'sagittal' | 'coronal';
  viewPlaneNormal: Vec3;
  viewUp: Vec3;
  focalPoint: Vec3;
  parallelScale: number;
  sliceIndex: number;
  sliceCount: number;
}

async function mprState(page: Page): Promise<{ loaded: boolean; views: MprView[] }> {
  return page.evaluate(() => window.radstationViewer?.mprViews() ?? { loaded: false, views: [] });
}

const patientAxis: Record<MprView['orientation'], Vec3> = { axial: [0, 0, 1], sagittal: [1, 0, 0], coronal: [0, 1, 0] };

/** How far the rendered bright region's size is from the volume's section, in millimetres (worst of width and height). */
async function sizeError(page: Page, box: VolumeBox, view: MprView): Promise<{ error: number; measured: [number, number]; expected: [number, number]; tolerance: [number, number] }> {
  const shown = await brightBox(page, view.viewportId);
  const mmPerPixel = (2 * view.parallelScale) / shown.canvasHeight;
  const right = cross(view.viewUp, view.viewPlaneNormal);
  const expected = sectionExtents(box, view.focalPoint, view.viewPlaneNormal, right, view.viewUp);
  const measured: [number, number] = [shown.width * mmPerPixel, shown.height * mmPerPixel];
  // The edge may fall on the outer voxels' centres or their outer faces (up to one voxel more),
  // and each edge may round to a screen pixel either way.
  const voxel = Math.max(Math.hypot(...box.columnStep), Math.hypot(...box.rowStep), Math.hypot(...box.sliceStep));
  const slack = 2 * mmPerPixel;
  const outside = (value: number, target: number) => Math.max(0, target - slack - value, value - (target + voxel + slack));
  return {
    error: Math.max(outside(measured[0], expected.width), outside(measured[1], expected.height)),
    measured,
    expected: [expected.width, expected.height],
    tolerance: [slack, voxel + slack],
  };
}

test.describe.serial('MPR of an evenly spaced MR volume', () => {
  let studyUid = '';
  let box: VolumeBox;

  test.beforeAll(({ webHost }) => {
    const { instances, duplicates } = importLinked(webHost, [path.dirname(mrFiles[0] ?? '')]);
    expect(instances + duplicates).toBe(mrFiles.length);
    studyUid = studyUidOf(mrFiles[0] ?? '');
    box = readVolumeBox(mrFiles);
  });
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  test('shows axial, sagittal and coronal reformats sized as the volume, and goes back to the stack', async ({ page, webHost }) => {
    test.setTimeout(240_000);
    expect(box.slices).toBe(176);
    expect(box.nonNegative).toBe(true);
    await openStudy(page, webHost.url, studyUid);
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 1/176');
    // MPR opens where the reader is: read the middle slice, so the reformats cut through the middle of
    // the volume. Through the outermost slice, the patient-aligned sagittal plane grazes the oblique
    // volume's face and the size check below would no longer hold to a voxel.
    await page.getByTestId('viewport-vp-0').click();
    for (let i = 0; i < 8; i++) await page.keyboard.press('PageDown');
    for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 88/176');

    await page.getByRole('button', { name: 'MPR', exact: true }).click();
    await expect(page.getByTestId('mpr-view')).toBeVisible();
    await expect(page.getByTestId('viewer-notice')).toHaveCount(0);
    await expect.poll(async () => (await mprState(page)).loaded, { message: 'every slice of the volume arrives', timeout: 180_000 }).toBe(true);

    const { views } = await mprState(page);
    expect(views.map((v) => v.orientation).sort()).toEqual(['axial', 'coronal', 'sagittal']);
    for (const view of views) {
      await expect.poll(async () => (await canvasStats(page, view.viewportId)).sd, { message: `${view.orientation} shows an image, not a blank` }).toBeGreaterThan(5);
      expect(Math.abs(dot(view.viewPlaneNormal, patientAxis[view.orientation])), `${view.orientation} looks along its patient axis`).toBeGreaterThan(0.999);
      console.log(`${view.orientation}: slice ${view.sliceIndex + 1}/${view.sliceCount}`);
    }

    // Every stored value is >= 0: a window whose top is below 0 paints the whole volume white on black.
    await page.evaluate(() => window.radstationViewer?.mprApplyWindow(-1, 2));
    for (const view of (await mprState(page)).views) {
      await expect
        .poll(async () => (await sizeError(page, box, view)).error, { message: `${view.orientation} section has the volume's size` })
        .toBe(0);
      const result = await sizeError(page, box, view);
      console.log(
        `${view.orientation}: on screen ${result.measured.map((v) => v.toFixed(1)).join(' x ')} mm, section of the volume ${result.expected.map((v) => v.toFixed(1)).join(' x ')} mm (allowed -${result.tolerance[0].toFixed(1)}/+${result.tolerance[1].toFixed(1)})`,
      );
    }
    // The check can tell a wrong geometry: the axial section (176 slices by 256 columns, turned by the
    // acquisition's obliquity) is far from square, so a reformat drawn with swapped or equal axes fails it.
    const axial = views.find((v) => v.orientation === 'axial');
    if (!axial) throw new Error('no axial view');
    const axialSection = sectionExtents(box, axial.focalPoint, axial.viewPlaneNormal, cross(axial.viewUp, axial.viewPlaneNormal), axial.viewUp);
    expect(Math.abs(axialSection.width - axialSection.height)).toBeGreaterThan(40);

    // The wheel moves through the axial slices.
    const before = (await mprState(page)).views.find((v) => v.orientation === 'axial')?.sliceIndex;
    await page.getByTestId('mpr-axial').hover();
    await page.mouse.wheel(0, 300);
    await expect.poll(async () => (await mprState(page)).views.find((v) => v.orientation === 'axial')?.sliceIndex).not.toBe(before);

    await page.getByRole('button', { name: '← Stack view' }).click();
    await expect(page.getByTestId('mpr-view')).toHaveCount(0);
    // Back at the slice the reformats cross (scrolling the axial view does not move the sagittal plane), not at image 1.
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 88/176');
    await expect.poll(async () => (await canvasStats(page)).sd, { message: 'the stack shows an image again' }).toBeGreaterThan(5);
  });
});

/**
 * Measurements on the reformats of a CT volume: the pydicom DICOMDIR test set's CT5N series,
 * five axial 16×16 slices 2.5 mm apart with rescale -1024, the one untilted, evenly spaced CT
 * series in the shared data. A sagittal reformat mixes the in-plane spacing (0.49 mm) with the
 * slice spacing, so a length there is right only if both are. The expected figures come from the
 * files (dicom-parser): spacing, slice positions and stored pixels with rescale applied.
 */
const ctVolumeFiles = dicomFilesIn(sharedDataPath('dicom', 'dicomdir', 'pydicom-dicomdirtests', '98892001', 'CT5N'));

interface CtSlice {
  file: string;
  sopInstanceUid: string;
  position: Vec3;
  raw: RawImage;
}

function readCtSlice(file: string): CtSlice {
  const bytes = fs.readFileSync(file);
  const ds = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
  const position = (ds.string('x00200032') ?? '').split('\\').map(Number) as Vec3;
  return { file, sopInstanceUid: ds.string('x00080018') ?? '', position, raw: readRawImage(file) };
}

async function measurementList(page: Page): Promise<{ annotationUid: string; toolName: string; onReformat: boolean; values: Record<string, number> }[]> {
  return page.evaluate(() => window.radstationViewer?.measurements() ?? []);
}

/** A measurement's handles as (column, row, slice) indices into the viewer's volume, with the slices' files in that order. */
async function volumeIndices(page: Page, slices: readonly CtSlice[], uid: string): Promise<{ points: Vec3[]; order: CtSlice[] }> {
  const found = await page.evaluate((id) => window.radstationViewer?.mprMeasurementIndices(id), uid);
  if (!found) throw new Error('no handles in the volume');
  const order = found.imageIds.map((imageId) => {
    const sop = decodeURIComponent(/\/files\/instances\/([^?]+)/.exec(imageId)?.[1] ?? '');
    const slice = slices.find((s) => s.sopInstanceUid === sop);
    if (!slice) throw new Error(`no file for ${imageId}`);
    return slice;
  });
  return { points: found.points, order };
}

/** A left drag between two points given as fractions of a box in a viewport's canvas pixels. */
async function dragOnCanvasBox(page: Page, viewportId: string, box: { canvasWidth: number; left: number; top: number; width: number; height: number }, from: [number, number], to: [number, number]) {
  const pane = await page.locator(`[data-viewport-id="${viewportId}"] canvas`).first().boundingBox();
  if (!pane) throw new Error(`no canvas in ${viewportId}`);
  const cssPerPixel = pane.width / box.canvasWidth;
  const x = (f: number) => pane.x + (box.left + box.width * f) * cssPerPixel;
  const y = (f: number) => pane.y + (box.top + box.height * f) * cssPerPixel;
  await page.mouse.move(x(from[0]), y(from[1]));
  await page.mouse.down();
  await page.mouse.move(x((from[0] + to[0]) / 2), y((from[1] + to[1]) / 2), { steps: 4 });
  await page.mouse.move(x(to[0]), y(to[1]), { steps: 4 });
  await page.mouse.up();
}

test.describe.serial('measurements on the reformats of a CT volume', () => {
  let studyUid = '';
  let slices: CtSlice[] = [];

  test.beforeAll(({ webHost }) => {
    const { instances, duplicates } = importLinked(webHost, [path.dirname(ctVolumeFiles[0] ?? '')]);
    expect(instances + duplicates).toBe(ctVolumeFiles.length);
    studyUid = studyUidOf(ctVolumeFiles[0] ?? '');
    slices = ctVolumeFiles.map(readCtSlice);
  });
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  test('a sagittal length in mm of the volume, a sagittal rectangle ROI and an axial probe in HU of the raw voxels, all kept across a reload', async ({ page, webHost }) => {
    test.setTimeout(180_000);
    expect(slices).toHaveLength(5);
    const first = slices[0]?.raw;
    if (!first) throw new Error('no slice');
    expect(first.rescaleIntercept).toBe(-1024);
    const [rowSpacing = NaN, columnSpacing = NaN] = first.pixelSpacing ?? [];

    await openStudy(page, webHost.url, studyUid);
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 1/5');
    // MPR opens at the slice being read: read the middle one, so the axial probe below lies inside the volume's slices.
    const readMiddleSlice = async () => {
      await page.getByTestId('viewport-vp-0').click();
      for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowDown');
      await expect(page.getByTestId('overlay-slice')).toHaveText('Im 3/5');
    };
    await readMiddleSlice();
    await page.getByRole('button', { name: 'MPR', exact: true }).click();
    await expect(page.getByTestId('mpr-view')).toBeVisible();
    await expect.poll(async () => (await mprState(page)).loaded, { message: 'the volume loads', timeout: 60_000 }).toBe(true);

    // The sagittal view on a column of voxels, not between two, so the ROI's voxels are one column's.
    await page.evaluate(() => window.radstationViewer?.mprJumpToSlice('sagittal', 8));
    // Every voxel is above -1024 HU: this window paints the section white, which shows where it lies on screen.
    await page.evaluate(() => window.radstationViewer?.mprApplyWindow(-3000, 2));
    await expect.poll(async () => (await brightBox(page, 'mpr-sagittal')).bright, { message: 'the sagittal section shows' }).toBeGreaterThan(1000);
    const section = await brightBox(page, 'mpr-sagittal');
    const axialSection = await brightBox(page, 'mpr-axial');
    await page.evaluate(() => window.radstationViewer?.mprApplyWindow(40, 400));

    // A length across the section, corner to corner: it crosses rows and slices.
    await page.getByRole('button', { name: 'Length', exact: true }).click();
    await dragOnCanvasBox(page, 'mpr-sagittal', section, [0.15, 0.15], [0.85, 0.85]);
    await expect(page.getByTestId('measurement')).toHaveCount(1);
    const lengthUid = (await measurementList(page))[0]?.annotationUid ?? '';
    const lengthIndices = await volumeIndices(page, slices, lengthUid);
    const [a, b] = lengthIndices.points;
    if (!a || !b) throw new Error('a length has two handles');
    const firstPosition = lengthIndices.order[0]?.position ?? [NaN, NaN, NaN];
    const lastPosition = lengthIndices.order[lengthIndices.order.length - 1]?.position ?? [NaN, NaN, NaN];
    const sliceStep = Math.hypot(...firstPosition.map((v, axis) => ((lastPosition[axis] ?? NaN) - v) / (lengthIndices.order.length - 1)));
    expect(sliceStep).toBeCloseTo(2.5, 3);
    const delta = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    expect(Math.abs(delta[2] ?? 0), 'the length crosses slices').toBeGreaterThan(1.5);
    expect(Math.abs(delta[1] ?? 0), 'the length crosses rows').toBeGreaterThan(4);
    // The axes of this series are the patient's (identity orientation), so the three steps are orthogonal.
    const expectedMm = Math.hypot((delta[0] ?? NaN) * columnSpacing, (delta[1] ?? NaN) * rowSpacing, (delta[2] ?? NaN) * sliceStep);
    await expect
      .poll(async () => Math.abs(((await measurementList(page)).find((m) => m.annotationUid === lengthUid)?.values.length ?? NaN) - expectedMm), {
        message: 'the length in mm follows the pixel spacing and the slice positions',
      })
      .toBeLessThan(0.01);
    console.log(`sagittal length: Δ(column,row,slice) ${delta.map((v) => v.toFixed(2)).join(', ')} → expected ${expectedMm.toFixed(3)} mm`);
    await expect(page.getByTestId('measurement').first()).toContainText(`${expectedMm.toFixed(1)} mm`);
    await expect(page.getByTestId('measurement').first()).toContainText('MPR');

    await page.getByRole('button', { name: 'Rectangle', exact: true }).click();
    await dragOnCanvasBox(page, 'mpr-sagittal', section, [0.1, 0.2], [0.9, 0.8]);
    await expect(page.getByTestId('measurement').filter({ hasText: 'Rectangle' })).toHaveCount(1);
    const roiStatistics = async () => {
      const roi = (await measurementList(page)).find((m) => m.toolName === 'RectangleROI');
      if (roi?.values.mean === undefined) return undefined;
      const { points, order } = await volumeIndices(page, slices, roi.annotationUid);
      // The voxels whose centres (whole indices) lie inside the rectangle, on the view's column.
      const column = Math.round(points[0]?.[0] ?? NaN);
      const onColumn = points.every((p) => Math.abs(p[0] - column) < 1e-3);
      const rows = points.map((p) => p[1]);
      const sliceIndices = points.map((p) => p[2]);
      const values: number[] = [];
      order.forEach((slice, k) => {
        if (k < Math.min(...sliceIndices) || k > Math.max(...sliceIndices)) return;
        for (let row = 0; row < slice.raw.rows; row++) {
          if (row < Math.min(...rows) || row > Math.max(...rows)) continue;
          values.push((slice.raw.values[row * slice.raw.columns + column] ?? NaN) * slice.raw.rescaleSlope + slice.raw.rescaleIntercept);
        }
      });
      const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
      const sd = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
      return { roi, onColumn, count: values.length, mean, sd, meanError: Math.abs(roi.values.mean - mean), sdError: Math.abs((roi.values.stdDev ?? NaN) - sd) };
    };
    await expect.poll(async () => (await roiStatistics())?.meanError ?? Infinity, { message: 'ROI mean matches the raw pixels in HU' }).toBeLessThanOrEqual(0.5);
    const stats = await roiStatistics();
    if (!stats) throw new Error('no ROI');
    console.log(`sagittal ROI: ${stats.count} voxels, expected mean ${stats.mean.toFixed(2)} HU SD ${stats.sd.toFixed(2)}; viewer mean ${stats.roi.values.mean?.toFixed(2)} SD ${stats.roi.values.stdDev?.toFixed(2)}`);
    expect(stats.onColumn, 'the ROI lies on one column of voxels').toBe(true);
    expect(stats.count).toBeGreaterThanOrEqual(12);
    expect(stats.sdError).toBeLessThanOrEqual(0.5);
    // The ROI spans tissue of different density: a mean from the wrong voxels would not pass by chance.
    expect(stats.sd).toBeGreaterThan(5);
    await expect(page.getByTestId('measurement').filter({ hasText: 'Rectangle' })).toContainText('HU');

    // A probe on the axial view reads the HU of the voxel it sits in.
    await page.getByRole('button', { name: 'Probe', exact: true }).click();
    await dragOnCanvasBox(page, 'mpr-axial', axialSection, [0.3, 0.6], [0.3, 0.6]);
    await expect(page.getByTestId('measurement').filter({ hasText: 'Probe' })).toHaveCount(1);
    const probeError = async () => {
      const probe = (await measurementList(page)).find((m) => m.toolName === 'Probe');
      if (probe?.values.value === undefined) return Infinity;
      const { points, order } = await volumeIndices(page, slices, probe.annotationUid);
      const [column = NaN, row = NaN, k = NaN] = (points[0] ?? []).map(Math.round);
      const slice = order[k];
      if (!slice) return Infinity;
      const expected = (slice.raw.values[row * slice.raw.columns + column] ?? NaN) * slice.raw.rescaleSlope + slice.raw.rescaleIntercept;
      return Math.abs(probe.values.value - expected);
    };
    await expect.poll(probeError, { message: 'the probe reads the raw voxel in HU' }).toBeLessThanOrEqual(0.5);
    await expect(page.getByTestId('measurement-save-state')).toHaveText('Saved in the cache');
    await page.screenshot({ path: path.join('test-results', 'mpr-measurements.png') });

    // Saved with the study: back after a reload, and measured the same once the volume is there again.
    await page.reload();
    // A reload comes back to the open study by itself.
    await expect(page.getByTestId('viewer')).toBeVisible();
    await expect(page.getByTestId('measurement')).toHaveCount(3);
    await readMiddleSlice();
    await page.getByRole('button', { name: 'MPR', exact: true }).click();
    await expect.poll(async () => (await mprState(page)).loaded, { message: 'the volume loads again', timeout: 60_000 }).toBe(true);
    await page.evaluate(() => window.radstationViewer?.mprJumpToSlice('sagittal', 8));
    await expect
      .poll(async () => Math.abs(((await measurementList(page)).find((m) => m.annotationUid === lengthUid)?.values.length ?? NaN) - expectedMm), {
        message: 'the restored length is measured again on the reformat',
      })
      .toBeLessThan(0.01);
    await expect.poll(async () => (await roiStatistics())?.meanError ?? Infinity, { message: 'the restored ROI is measured again' }).toBeLessThanOrEqual(0.5);
    await expect.poll(probeError, { message: 'the restored probe reads its voxel again' }).toBeLessThanOrEqual(0.5);
    // The sagittal ones are anchored in the volume; the axial probe lies on an acquired slice and names that image.
    const restored = Object.fromEntries((await measurementList(page)).map((m) => [m.toolName, m.onReformat]));
    expect(restored).toEqual({ Length: true, RectangleROI: true, Probe: false });
  });

  test('a probe on the first axial slice reads its voxel again after a reload, whichever slice MPR reopens at', async ({ page, webHost }) => {
    test.setTimeout(180_000);
    await openStudy(page, webHost.url, studyUid);
    // Reading image 1: MPR opens on the volume's outermost axial slice.
    await page.getByTestId('viewport-vp-0').click();
    await page.keyboard.press('Home');
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 1/5');
    await page.getByRole('button', { name: 'MPR', exact: true }).click();
    await expect.poll(async () => (await mprState(page)).loaded, { message: 'the volume loads', timeout: 60_000 }).toBe(true);
    await page.evaluate(() => window.radstationViewer?.mprApplyWindow(-3000, 2));
    await expect.poll(async () => (await brightBox(page, 'mpr-axial')).bright, { message: 'the axial section shows' }).toBeGreaterThan(1000);
    const axialSection = await brightBox(page, 'mpr-axial');
    await page.evaluate(() => window.radstationViewer?.mprApplyWindow(40, 400));
    const known = new Set((await measurementList(page)).map((m) => m.annotationUid));

    await page.getByRole('button', { name: 'Probe', exact: true }).click();
    await dragOnCanvasBox(page, 'mpr-axial', axialSection, [0.6, 0.4], [0.6, 0.4]);
    await expect.poll(async () => (await measurementList(page)).filter((m) => !known.has(m.annotationUid)).length).toBe(1);
    const probeUid = (await measurementList(page)).find((m) => !known.has(m.annotationUid))?.annotationUid ?? '';
    // The HU of the voxel the probe sits in, from the file (dicom-parser), in the volume's slice order.
    const probeError = async () => {
      const probe = (await measurementList(page)).find((m) => m.annotationUid === probeUid);
      if (probe?.values.value === undefined) return Infinity;
      const { points, order } = await volumeIndices(page, slices, probeUid);
      const [column = NaN, row = NaN, k = NaN] = (points[0] ?? []).map(Math.round);
      const slice = order[k];
      if (!slice) return Infinity;
      return Math.abs(probe.values.value - ((slice.raw.values[row * slice.raw.columns + column] ?? NaN) * slice.raw.rescaleSlope + slice.raw.rescaleIntercept));
    };
    await expect.poll(probeError, { message: 'the probe reads its voxel' }).toBeLessThanOrEqual(0.5);
    const sliceOfProbe = async () => Math.round((await volumeIndices(page, slices, probeUid)).points[0]?.[2] ?? NaN);
    const probeSlice = await sliceOfProbe();
    expect([0, slices.length - 1], 'the probe is on an outer slice').toContain(probeSlice);
    await expect(page.getByTestId('measurement-save-state')).toHaveText('Saved in the cache');

    // After a reload, MPR reopened from the middle slice, then the axial view taken back to the probe's slice.
    await page.reload();
    await expect(page.getByTestId('viewer')).toBeVisible();
    await page.getByTestId('viewport-vp-0').click();
    for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 3/5');
    await page.getByRole('button', { name: 'MPR', exact: true }).click();
    await expect.poll(async () => (await mprState(page)).loaded, { message: 'the volume loads again', timeout: 60_000 }).toBe(true);
    // Off the slice shown, the list still gives the probe's own voxel, not a value read elsewhere.
    await expect.poll(probeError, { message: 'the restored probe, off the slice shown, keeps its voxel value' }).toBeLessThanOrEqual(0.5);
    await page.evaluate((k) => window.radstationViewer?.mprJumpToSlice('axial', k), probeSlice);
    await expect.poll(probeError, { message: 'the restored probe reads its voxel again' }).toBeLessThanOrEqual(0.5);
  });
});
