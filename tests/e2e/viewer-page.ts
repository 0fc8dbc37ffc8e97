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

/**
 * What a viewport's canvas shows, as r + g + b per pixel (0–765, exact), read through a 2D copy
 * of the canvas (a WebGL canvas cannot be read directly) and passed back base64-encoded.
 */
async function canvasChannelSums(page: Page, viewportId: string): Promise<{ width: number; height: number; sums: Uint16Array }> {
  const { width, height, base64 } = await page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-viewport-id="${id}"] canvas`);
    if (!canvas) throw new Error('no canvas');
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d');
    if (!context) throw new Error('no 2d context');
    context.drawImage(canvas, 0, 0);
    const data = context.getImageData(0, 0, copy.width, copy.height).data;
    const sums = new Uint16Array(data.length / 4);
    for (let i = 0; i < sums.length; i++) sums[i] = (data[i * 4] ?? 0) + (data[i * 4 + 1] ?? 0) + (data[i * 4 + 2] ?? 0);
    const bytes = new Uint8Array(sums.buffer);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { width: copy.width, height: copy.height, base64: btoa(text) };
  }, viewportId);
  const bytes = Buffer.from(base64, 'base64');
  return { width, height, sums: new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
}

/** Luminance statistics and a fingerprint of what a viewport's canvas shows. */
export async function canvasStats(page: Page, viewportId = 'vp-0'): Promise<{ mean: number; sd: number; fingerprint: number }> {
  const { sums } = await canvasChannelSums(page, viewportId);
  let sum = 0;
  let sumSq = 0;
  let fingerprint = 0;
  const n = sums.length;
  for (let i = 0; i < n; i++) {
    const y = (sums[i] ?? 0) / 3;
    sum += y;
    sumSq += y * y;
    fingerprint = (fingerprint * 31 + Math.round(y)) % 1_000_000_007;
  }
  const mean = sum / n;
  return { mean, sd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)), fingerprint };
}

/** The bounding box (left, top, width, height), in canvas (device) pixels, of the bright pixels of a viewport's canvas, and the canvas size. */
export async function brightBox(
  page: Page,
  viewportId: string,
): Promise<{ canvasWidth: number; canvasHeight: number; left: number; top: number; width: number; height: number; bright: number }> {
  const { width: canvasWidth, height: canvasHeight, sums } = await canvasChannelSums(page, viewportId);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let bright = 0;
  for (let y = 0; y < canvasHeight; y++) {
    for (let x = 0; x < canvasWidth; x++) {
      if ((sums[y * canvasWidth + x] ?? 0) / 3 < 128) continue;
      bright++;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  return {
    canvasWidth,
    canvasHeight,
    left: bright ? minX : 0,
    top: bright ? minY : 0,
    width: bright ? maxX - minX + 1 : 0,
    height: bright ? maxY - minY + 1 : 0,
    bright,
  };
}
