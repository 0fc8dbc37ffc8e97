import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import dicomParser from 'dicom-parser';
import { sharedDataPath } from '../helpers/shared-data';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { cross, dot, readVolumeBox, sectionExtents, type Vec3, type VolumeBox } from '../helpers/volume-geometry';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { brightBox, canvasStats, openStudy } from './viewer-page';

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
    const report = execFileSync(process.execPath, webHost.cliArgs(['import', path.dirname(mrFiles[0] ?? ''), '--link', '--json']), { encoding: 'utf8' });
    const parsed = JSON.parse(report.trim().split('\n').pop() ?? '{}') as { instances?: number; duplicates?: number };
    expect((parsed.instances ?? 0) + (parsed.duplicates ?? 0)).toBe(mrFiles.length);
    const bytes = fs.readFileSync(mrFiles[0] ?? '');
    studyUid = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x0020000e' }).string('x0020000d') ?? '';
    box = readVolumeBox(mrFiles);
  });
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  test('shows axial, sagittal and coronal reformats sized as the volume, and goes back to the stack', async ({ page, webHost }) => {
    test.setTimeout(240_000);
    expect(box.slices).toBe(176);
    expect(box.nonNegative).toBe(true);
    await openStudy(page, webHost.url, studyUid);
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 1/176');

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
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 1/176');
    await expect.poll(async () => (await canvasStats(page)).sd, { message: 'the stack shows an image again' }).toBeGreaterThan(5);
  });
});
