import path from 'node:path';
import type { Page } from '@playwright/test';
import { dicomFilesIn } from '../helpers/viewer-seed';
import { sharedDataPath } from '../helpers/shared-data';
import { importLinked, studyUidOf } from './cli-import';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { dragOnViewport, openStudy } from './viewer-page';

/**
 * The left mouse button's tool, as a reader uses the toolbar: choose a tool, drag, choose
 * another, drag. Exactly one tool answers the left button; the fixed secondary bindings
 * (right-drag W/L, middle-drag pan, wheel scroll, as Help lists) keep working whatever is chosen.
 */
const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));

/** The toolbar's label for each tool, and what its drag changes in the view. */
const toolbar = [
  { label: 'W/L', effect: 'WindowLevel' },
  { label: 'Pan', effect: 'Pan' },
  { label: 'Zoom', effect: 'Zoom' },
  { label: 'Scroll', effect: 'StackScroll' },
  { label: 'Rotate', effect: 'PlanarRotate' },
  { label: 'Length', effect: 'Length' },
  { label: 'Angle', effect: 'Angle' },
  { label: 'Ellipse', effect: 'EllipticalROI' },
  { label: 'Rectangle', effect: 'RectangleROI' },
  { label: 'Probe', effect: 'Probe' },
] as const;

interface ViewState {
  imageIndex: number;
  pan: [number, number];
  zoom: number;
  rotation: number;
  voi: [number, number] | undefined;
  annotations: Record<string, number>;
}

async function viewState(page: Page): Promise<ViewState> {
  const state = await page.evaluate(() => window.radstationViewer?.viewEffectState());
  if (!state) throw new Error('no active viewport');
  return state;
}

/** Which tools' effects differ between two states: the test's own reading of the view, tool by tool. */
function effectsBetween(before: ViewState, after: ViewState): string[] {
  const found: string[] = [];
  if (after.imageIndex !== before.imageIndex) found.push('StackScroll');
  // Zoom about the pointer also moves the pan; a pan alone leaves the zoom as it was.
  if (Math.abs(after.zoom - before.zoom) > 1e-3 * before.zoom) found.push('Zoom');
  else if (Math.hypot(after.pan[0] - before.pan[0], after.pan[1] - before.pan[1]) > 1e-3) found.push('Pan');
  if (Math.abs(after.rotation - before.rotation) > 0.5) found.push('PlanarRotate');
  const voiChanged = (before.voi === undefined) !== (after.voi === undefined) || (before.voi && after.voi && (Math.abs(before.voi[0] - after.voi[0]) > 1e-6 || Math.abs(before.voi[1] - after.voi[1]) > 1e-6));
  if (voiChanged) found.push('WindowLevel');
  for (const [tool, count] of Object.entries(after.annotations)) if (count > (before.annotations[tool] ?? 0)) found.push(tool);
  return found.sort();
}

/**
 * A closed walk through every ordered pair of tools (an Euler circuit of the complete directed
 * graph): each step chooses the next tool right after the previous one was used, as a reader does.
 */
function everyOrderedPair(count: number): number[] {
  const unused = Array.from({ length: count }, (_, from) => Array.from({ length: count }, (_, to) => to).filter((to) => to !== from));
  const stack = [0];
  const circuit: number[] = [];
  while (stack.length > 0) {
    const node = stack[stack.length - 1] ?? 0;
    const next = unused[node]?.shift();
    if (next === undefined) circuit.push(stack.pop() ?? 0);
    else stack.push(next);
  }
  return circuit.reverse();
}

const toolButton = (page: Page, label: string) => page.getByLabel('Left mouse tool').getByRole('button', { name: label, exact: true });

/**
 * Between steps: no measurements, the view reset, slice 13, and the Brain window chosen with its key,
 * so the window is the reader's own and a scroll keeps it (an image's own default window would change).
 */
async function resetView(page: Page): Promise<void> {
  await page.evaluate(() => window.radstationViewer?.clearMeasurementsAndView());
  await page.evaluate(() => window.radstationViewer?.scrollTo(12));
  await page.keyboard.press('1');
  await expect(page.getByTestId('overlay-window')).toHaveText('W 80 L 40');
}

/** The gesture that uses a tool: a drag, and for the angle its third point. */
async function useTool(page: Page, effect: string): Promise<void> {
  await dragOnViewport(page, [0.4, 0.4], [0.55, 0.6]);
  if (effect === 'Angle') {
    const box = await page.getByTestId('viewport-vp-0').boundingBox();
    if (!box) throw new Error('no viewport');
    // The third point follows the pointer, then a click sets it.
    await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.4, { steps: 4 });
    await page.mouse.click(box.x + box.width * 0.65, box.y + box.height * 0.4);
  }
}

test.describe.serial('the left mouse button takes exactly the chosen tool', () => {
  let studyUid = '';

  test.beforeAll(({ webHost }) => {
    importLinked(webHost, [path.dirname(ctFiles[0] ?? '')]);
    studyUid = studyUidOf(ctFiles[0] ?? '');
  });
  test.afterAll(async ({ webHost }) => emptyCache(webHost));

  test('for every ordered pair of toolbar tools A then B, a drag does what B does and nothing A does', async ({ page, webHost }) => {
    test.setTimeout(300_000);
    await openStudy(page, webHost.url, studyUid);
    await resetView(page);
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 13/28');

    const walk = everyOrderedPair(toolbar.length);
    expect(walk).toHaveLength(toolbar.length * (toolbar.length - 1) + 1);
    const failures: string[] = [];
    let previous = '';
    for (const index of walk) {
      const tool = toolbar[index];
      if (!tool) throw new Error('walk out of range');
      await toolButton(page, tool.label).click();
      await expect(toolButton(page, tool.label)).toHaveAttribute('aria-pressed', 'true');
      const before = await viewState(page);
      await useTool(page, tool.effect);
      // Annotation and camera changes land on the render after the mouse is released: wait for B's (a failure is reported below).
      await expect
        .poll(async () => effectsBetween(before, await viewState(page)).includes(tool.effect), { timeout: 2000 })
        .toBe(true)
        .catch(() => undefined);
      const seen = effectsBetween(before, await viewState(page));
      if (seen.length !== 1 || seen[0] !== tool.effect) failures.push(`${previous || '(start)'} then ${tool.label}: the drag did ${seen.length ? seen.join(' + ') : 'nothing'}`);
      previous = tool.label;
      // A broken binding fails most pairs: a few are enough to say which.
      if (failures.length >= 4) break;
      await resetView(page);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  test('whatever tool is chosen, right-drag windows, middle-drag pans and the wheel scrolls', async ({ page, webHost }) => {
    await openStudy(page, webHost.url, studyUid);
    await resetView(page);
    await expect(page.getByTestId('overlay-slice')).toHaveText('Im 13/28');
    const box = await page.getByTestId('viewport-vp-0').boundingBox();
    if (!box) throw new Error('no viewport');
    const drag = async (button: 'right' | 'middle') => {
      await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.4);
      await page.mouse.down({ button });
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 4 });
      await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.6, { steps: 4 });
      await page.mouse.up({ button });
    };
    for (const tool of ['Pan', 'Length', 'Zoom']) {
      await toolButton(page, tool).click();
      let before = await viewState(page);
      await drag('right');
      await expect.poll(async () => effectsBetween(before, await viewState(page)), { message: `right-drag with ${tool} chosen` }).toEqual(['WindowLevel']);
      before = await viewState(page);
      await drag('middle');
      await expect.poll(async () => effectsBetween(before, await viewState(page)), { message: `middle-drag with ${tool} chosen` }).toEqual(['Pan']);
      before = await viewState(page);
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
      await page.mouse.wheel(0, 120);
      await expect.poll(async () => effectsBetween(before, await viewState(page)), { message: `wheel with ${tool} chosen` }).toEqual(['StackScroll']);
      await resetView(page);
    }
    // The right-click menu does not open after a right-drag: only a click without movement opens it.
    await expect(page.getByRole('menu')).toHaveCount(0);
  });
});
