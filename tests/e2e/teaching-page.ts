import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect } from './fixtures';

/** Page helpers for the teaching-session spec. */

/** A student opens the student link in a browser of their own and types a display name. */
export async function joinAsStudent(browser: Browser, studentUrl: string, name: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(studentUrl);
  await page.getByLabel(/name/i).fill(name);
  await page.getByRole('button', { name: /join/i }).click();
  // A plain-text refusal from the host (Chromium shows it in a <pre>) fails here with the host's own words.
  const classroom = page.getByTestId('classroom');
  const refusal = page.locator('body > pre');
  await expect(classroom.or(refusal).first()).toBeVisible({ timeout: 30_000 });
  if (await refusal.isVisible()) throw new Error(`joining as ${name} was refused: ${(await refusal.innerText()).slice(0, 300)}`);
  await expect(classroom).toHaveAttribute('data-role', 'student');
  await expect(page.getByTestId('display-name')).toHaveText(name);
  return { context, page };
}

/** The slice and window the page's active viewport shows, read through the viewer's test hooks. */
export async function shownView(page: Page): Promise<{ imageIndex: number; voi: [number, number] | null; seriesUid: string } | null> {
  return page.evaluate(() => {
    const state = window.radstationViewer?.viewEffectState();
    const seriesUid = document.querySelector('[data-testid="viewport-vp-0"]')?.getAttribute('data-series-uid') ?? '';
    if (!state) return null;
    return { imageIndex: state.imageIndex, voi: state.voi ?? null, seriesUid };
  });
}

/** Waits until the page's viewport has an image on screen. */
export async function waitForImage(page: Page): Promise<void> {
  await expect.poll(async () => (await shownView(page))?.seriesUid ?? '', { timeout: 60_000 }).not.toBe('');
  await expect(page.getByTestId('overlay-slice').first()).toHaveText(/^Im \d+\/\d+$/, { timeout: 60_000 });
}

/**
 * A call made by hand from the page, on a socket of its own (the page's cookie goes with
 * the upgrade, as the app's own socket does): what a student could try from the console.
 * Resolves with the host's envelope, or with `{ refused }` when the socket is not accepted.
 */
export async function rawCall(page: Page, name: string, payload: unknown): Promise<{ ok: boolean; code?: string; refused?: boolean; value?: unknown }> {
  return page.evaluate(
    ([callName, callPayload]) =>
      new Promise<{ ok: boolean; code?: string; refused?: boolean; value?: unknown }>((resolve) => {
        const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`);
        const timer = setTimeout(() => resolve({ ok: false, refused: true }), 10_000);
        socket.onerror = () => {
          clearTimeout(timer);
          resolve({ ok: false, refused: true });
        };
        socket.onopen = () => socket.send(JSON.stringify({ type: 'call', id: 1, name: callName, payload: callPayload }));
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { type: string; id?: number; result?: { ok: boolean; value?: unknown; error?: { code?: string } } };
          if (message.type !== 'result' || message.id !== 1) return;
          clearTimeout(timer);
          socket.close();
          resolve({ ok: message.result?.ok ?? false, code: message.result?.error?.code, value: message.result?.value });
        };
      }),
    [name, payload] as const,
  );
}

/** An HTTP request made from the page (its cookies included); the status it got. */
export async function rawFetch(page: Page, path: string, init: { method?: string; body?: string } = {}): Promise<number> {
  return page.evaluate(
    ([url, options]) => fetch(url, { method: options.method ?? 'GET', body: options.body, cache: 'no-store' }).then((response) => response.status, () => 0),
    [path, init] as const,
  );
}

/** A left-button drag (window/level by default) across the viewport of a page. */
export async function dragOnImage(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const box = await page.getByTestId('viewport-vp-0').boundingBox();
  if (!box) throw new Error('no viewport');
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((from[0] + to[0]) / 2), box.y + box.height * ((from[1] + to[1]) / 2), { steps: 4 });
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 4 });
  await page.mouse.up();
}

/** Wheel turns over the middle of the viewport (each one a slice down the stack). */
export async function wheelOnImage(page: Page, notches: number): Promise<void> {
  const box = await page.getByTestId('viewport-vp-0').boundingBox();
  if (!box) throw new Error('no viewport');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < notches; i++) {
    await page.mouse.wheel(0, 120);
    await page.waitForTimeout(50);
  }
}

/** Cells of CSV text (RFC 4180: quoted cells, doubled quotes), row by row; written here, not taken from the app. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
