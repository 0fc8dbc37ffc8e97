import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** Page helpers shared by the viewer's end-to-end specs. */
export async function openStudy(page: Page, url: string, studyUid: string): Promise<void> {
  await page.goto(url);
  await page.locator(`tr[data-study-uid="${studyUid}"]`).dblclick();
  await expect(page.getByTestId('viewer')).toBeVisible();
  await expect(page.getByTestId('overlay-slice').first()).toHaveText(/^Im 1\/\d+$/);
}

/**
 * A left-button drag across a viewport, from and to fractions of its box, through a midpoint
 * so Cornerstone's tools see a real drag rather than a click.
 */
export async function dragOnViewport(page: Page, from: [number, number], to: [number, number], viewportId = 'vp-0'): Promise<void> {
  const box = await page.getByTestId(`viewport-${viewportId}`).boundingBox();
  if (!box) throw new Error(`no viewport ${viewportId}`);
  const x = (f: number) => box.x + box.width * f;
  const y = (f: number) => box.y + box.height * f;
  await page.mouse.move(x(from[0]), y(from[1]));
  await page.mouse.down();
  await page.mouse.move(x((from[0] + to[0]) / 2), y((from[1] + to[1]) / 2), { steps: 4 });
  await page.mouse.move(x(to[0]), y(to[1]), { steps: 4 });
  await page.mouse.up();
}

/** Luminance statistics and a fingerprint of what a viewport's canvas shows. */
export async function canvasStats(page: Page, viewportId = 'vp-0'): Promise<{ mean: number; sd: number; fingerprint: number }> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-viewport-id="${id}"] canvas`);
    if (!canvas) throw new Error('no canvas');
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d');
    if (!context) throw new Error('no 2d context');
    context.drawImage(canvas, 0, 0);
    const data = context.getImageData(0, 0, copy.width, copy.height).data;
    let sum = 0;
    let sumSq = 0;
    let fingerprint = 0;
    const n = data.length / 4;
    for (let i = 0; i < n; i++) {
      const y = ((data[i * 4] ?? 0) + (data[i * 4 + 1] ?? 0) + (data[i * 4 + 2] ?? 0)) / 3;
      sum += y;
      sumSq += y * y;
      fingerprint = (fingerprint * 31 + Math.round(y)) % 1_000_000_007;
    }
    const mean = sum / n;
    return { mean, sd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)), fingerprint };
  }, viewportId);
}

/** The bounding box (left, top, width, height), in canvas (device) pixels, of the bright pixels of a viewport's canvas, and the canvas size. */
export async function brightBox(
  page: Page,
  viewportId: string,
): Promise<{ canvasWidth: number; canvasHeight: number; left: number; top: number; width: number; height: number; bright: number }> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-viewport-id="${id}"] canvas`);
    if (!canvas) throw new Error('no canvas');
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d');
    if (!context) throw new Error('no 2d context');
    context.drawImage(canvas, 0, 0);
    const data = context.getImageData(0, 0, copy.width, copy.height).data;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    let bright = 0;
    for (let y = 0; y < copy.height; y++) {
      for (let x = 0; x < copy.width; x++) {
        const i = (y * copy.width + x) * 4;
        if (((data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0)) / 3 < 128) continue;
        bright++;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
    return {
      canvasWidth: copy.width,
      canvasHeight: copy.height,
      left: bright ? minX : 0,
      top: bright ? minY : 0,
      width: bright ? maxX - minX + 1 : 0,
      height: bright ? maxY - minY + 1 : 0,
      bright,
    };
  }, viewportId);
}
