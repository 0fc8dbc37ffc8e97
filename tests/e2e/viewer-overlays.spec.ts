import path from 'node:path';
import type { Page } from '@playwright/test';
import { sharedDataPath } from '../helpers/shared-data';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { openStudy } from './viewer-page';
import { importLinked, studyUidOf } from './cli-import';

/**
 * The four-corner overlays must fit narrow viewports: in the 1×2 and 2×2 layouts, at the
 * default window and a small one, no two corner boxes intersect, none leaves its viewport, any
 * line that does not fit is clipped (ellipsis) rather than spilling out, and slice n/N, W/L and
 * the patient's name stay shown whole at a readable size.
 */
// The Siemens MPRAGE: its patient name, study and series descriptions are long enough to collide in a narrow pane.
const mrFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens'));

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface PaneLayout {
  viewportId: string;
  pane: Box;
  corners: { name: string; box: Box }[];
  /** Lines wider than their box that would show outside it (not clipped). */
  spilling: string[];
  /** The key lines: shown, whole, and their font size in CSS pixels. */
  key: { name: string; shown: boolean; whole: boolean; fontPx: number }[];
}

async function overlayLayout(page: Page): Promise<PaneLayout[]> {
  return page.evaluate(() => {
    const rect = (element: Element) => {
      const r = element.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    return [...document.querySelectorAll<HTMLElement>('.viewport-pane')].map((pane) => {
      const corners = [...pane.querySelectorAll<HTMLElement>('.viewport-overlays .corner')];
      const lines = corners.flatMap((corner) => [...corner.querySelectorAll<HTMLElement>(':scope > div')]);
      const spilling = lines
        .filter((line) => line.offsetParent !== null && line.scrollWidth > line.clientWidth + 0.5 && getComputedStyle(line).overflowX === 'visible')
        .map((line) => line.textContent ?? '');
      const keyLine = (name: string, element: HTMLElement | null) => ({
        name,
        shown: element !== null && element.offsetParent !== null && element.getBoundingClientRect().width > 0,
        whole: element !== null && element.scrollWidth <= element.clientWidth + 0.5,
        fontPx: element ? Number.parseFloat(getComputedStyle(element).fontSize) : 0,
      });
      return {
        viewportId: pane.dataset.viewportId ?? '',
        pane: rect(pane),
        corners: corners.map((corner) => ({ name: corner.className, box: rect(corner) })),
        spilling,
        key: [
          keyLine('slice', pane.querySelector<HTMLElement>('[data-testid="overlay-slice"]')),
          keyLine('window', pane.querySelector<HTMLElement>('[data-testid="overlay-window"]')),
          keyLine('patient', pane.querySelector<HTMLElement>('[data-testid="overlay-patient"] > div')),
        ],
      };
    });
  });
}

const intersects = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const inside = (inner: Box, outer: Box) => inner.left >= outer.left - 0.5 && inner.top >= outer.top - 0.5 && inner.right <= outer.right + 0.5 && inner.bottom <= outer.bottom + 0.5;

function checkLayout(panes: PaneLayout[], expectedPanes: number, what: string): void {
  expect(panes, what).toHaveLength(expectedPanes);
  for (const pane of panes) {
    expect(pane.corners, `${what} ${pane.viewportId}: four corners`).toHaveLength(4);
    for (const corner of pane.corners) expect(inside(corner.box, pane.pane), `${what} ${pane.viewportId}: ${corner.name} stays in its viewport`).toBe(true);
    for (let i = 0; i < pane.corners.length; i++) {
      for (let j = i + 1; j < pane.corners.length; j++) {
        const a = pane.corners[i];
        const b = pane.corners[j];
        if (!a || !b) continue;
        expect(intersects(a.box, b.box), `${what} ${pane.viewportId}: ${a.name} and ${b.name} do not overlap`).toBe(false);
      }
    }
    expect(pane.spilling, `${what} ${pane.viewportId}: no line spills out of its corner`).toEqual([]);
    for (const key of pane.key) {
      expect(key.shown && key.whole, `${what} ${pane.viewportId}: the ${key.name} line is shown whole`).toBe(true);
      expect(key.fontPx, `${what} ${pane.viewportId}: the ${key.name} line is readable`).toBeGreaterThanOrEqual(10);
    }
  }
}

test.describe.serial('viewport overlays in multi-viewport layouts', () => {
  let studyUid = '';

  test.beforeAll(({ webHost }) => {
    const { instances, duplicates } = importLinked(webHost, [path.dirname(mrFiles[0] ?? '')]);
    expect(instances + duplicates).toBe(mrFiles.length);
    studyUid = studyUidOf(mrFiles[0] ?? '');
  });
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 640 },
  ]) {
    test(`corner overlays fit each viewport in 1×2 and 2×2 at ${size.width}×${size.height}`, async ({ page, webHost }) => {
      await page.setViewportSize(size);
      await openStudy(page, webHost.url, studyUid);
      await page.getByRole('button', { name: '2×2', exact: true }).click();
      // The series in every pane, so each has its four corners.
      for (const viewportId of ['vp-0', 'vp-1', 'vp-2', 'vp-3']) {
        await page.getByTestId(`viewport-${viewportId}`).click();
        await page.getByTestId('series-item').first().click();
        await expect(page.getByTestId(`viewport-${viewportId}`).getByTestId('overlay-slice')).toHaveText('Im 1/176');
      }
      await expect(page.getByTestId('overlay-window')).toHaveCount(4);
      // The series thumbnail is whole and square inside the series panel (Cornerstone sizes the canvas it draws in).
      const thumbnail = await page.locator('.series-thumbnail').first().evaluate((canvas) => {
        const box = canvas.getBoundingClientRect();
        const panel = canvas.closest('.series-panel')?.getBoundingClientRect();
        return { box: { left: box.left, top: box.top, right: box.right, bottom: box.bottom }, panel: panel ? { left: panel.left, top: panel.top, right: panel.right, bottom: panel.bottom } : undefined };
      });
      expect(thumbnail.panel && inside(thumbnail.box, thumbnail.panel), 'the thumbnail stays inside the series panel').toBe(true);
      expect(Math.round(thumbnail.box.right - thumbnail.box.left)).toBe(Math.round(thumbnail.box.bottom - thumbnail.box.top));
      await expect.poll(async () => (await page.getByTestId('overlay-window').allTextContents()).every((text) => /^W \d+ L -?\d+/.test(text)), { message: 'every pane shows its window' }).toBe(true);
      const quad = await overlayLayout(page);
      console.log(`2×2 at ${size.width}×${size.height}: panes ${quad.map((p) => `${Math.round(p.pane.right - p.pane.left)}×${Math.round(p.pane.bottom - p.pane.top)}`).join(', ')}`);
      // For a reader of the results: what the fitted overlays look like.
      await page.screenshot({ path: path.join('test-results', `overlays-2x2-${size.width}x${size.height}.png`) });
      checkLayout(quad, 4, `2×2 at ${size.width}×${size.height}`);

      await page.getByRole('button', { name: '1×2', exact: true }).click();
      await expect(page.getByTestId('overlay-slice')).toHaveCount(2);
      const pair = await overlayLayout(page);
      console.log(`1×2 at ${size.width}×${size.height}: panes ${pair.map((p) => `${Math.round(p.pane.right - p.pane.left)}×${Math.round(p.pane.bottom - p.pane.top)}`).join(', ')}`);
      checkLayout(pair, 2, `1×2 at ${size.width}×${size.height}`);
    });
  }
});
