// Viewer benchmark: headless Chromium against the web host, on the shared MR series, or with
// `--generate-ct N` on a synthetic N-slice 512×512 CT written and imported here (then MPR is timed too).
// Prints figures per run and ends with one JSON line; asserts nothing about time.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { chromiumArgs } from '../playwright.config';
import { dicomFilesIn, seedCache } from '../tests/helpers/viewer-seed';
import { sharedDataPath } from '../tests/helpers/shared-data';
import { writeSyntheticCt } from './synthetic-ct';

function option(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  if (index < 0) return undefined;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a positive whole number`);
  return value;
}

const generatedSlices = option('--generate-ct');
const runs = option('--runs') ?? 5;

async function startHost(cacheDir: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['bin/radstation.js', 'serve', '--cache', cacheDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open: (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`host exited ${code}: ${output}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** Peak resident memory (VmHWM) of the browser's processes of one type (renderer, gpu-process), in MB. */
function processPeakMb(browserPid: number, type = 'renderer'): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes(`--type=${type}`)) continue;
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      const ancestors = new Set<number>([ppid]);
      let parent = ppid;
      for (let depth = 0; depth < 4 && parent > 1; depth++) {
        parent = Number(/PPid:\s+(\d+)/.exec(fs.readFileSync(`/proc/${parent}/status`, 'utf8'))?.[1]);
        ancestors.add(parent);
      }
      if (!ancestors.has(browserPid)) continue;
      total += Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      // processes come and go
    }
  }
  return total;
}

/**
 * Where the first image's time goes: from the click to the image being loaded, decoded and set in
 * the viewport (Cornerstone's STACK_NEW_IMAGE), then to its first draw (IMAGE_RENDERED), which
 * waits for the browser's next animation frames; how many frames the browser produced meanwhile.
 */
interface FirstImageStages {
  setMs: number;
  drawnMs: number;
  frames: number;
}

/**
 * Opening the study loads its first series into the first pane; a large series keeps the page busy
 * meanwhile (a click then waits), so the timed runs start once that pane has every slice.
 */
async function firstPaneLoaded(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const count = window.radstationViewer?.loadedCount('vp-0');
      return count !== undefined && count.total > 0 && count.loaded >= count.total;
    },
    undefined,
    { timeout: 600_000, polling: 250 },
  );
}

async function oneRun(page: Page, url: string, studyUid: string): Promise<{ firstImageMs: number; slicesPerS: number; slices: number; stages: FirstImageStages }> {
  await page.goto(url);
  await page.locator(`tr[data-study-uid="${studyUid}"]`).dblclick();
  await page.getByTestId('overlay-slice').first().waitFor();
  await firstPaneLoaded(page);
  // An empty second pane, a cold image cache, then a click on the series.
  await page.getByRole('button', { name: '1×2' }).click();
  await page.getByTestId('viewport-vp-1').click();
  return page.evaluate(async () => {
    const hooks = window.radstationViewer;
    const pane = document.querySelector('[data-viewport-id="vp-1"] .viewport-element');
    const button = document.querySelector<HTMLButtonElement>('[data-testid="series-item"]');
    if (!hooks || !pane || !button) throw new Error('viewer not ready');
    hooks.purgeImageCache();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const start = performance.now();
    let frames = 0;
    let drawn = false;
    // Anonymous on purpose: tsx names named functions with a helper the page does not have.
    void (async () => {
      while (!drawn) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        if (!drawn) frames++;
      }
    })();
    const set = new Promise<number>((resolve) => pane.addEventListener('CORNERSTONE_STACK_NEW_IMAGE', () => resolve(performance.now() - start), { once: true }));
    const rendered = new Promise<number>((resolve) =>
      pane.addEventListener(
        'CORNERSTONE_IMAGE_RENDERED',
        () => {
          drawn = true;
          resolve(performance.now() - start);
        },
        { once: true },
      ),
    );
    button.click();
    const firstImageMs = await rendered;
    const stages = { setMs: await set, drawnMs: firstImageMs, frames };
    for (;;) {
      const { loaded, total } = hooks.loadedCount('vp-1');
      if (total > 0 && loaded >= total) return { firstImageMs, slicesPerS: total / ((performance.now() - start) / 1000), slices: total, stages };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
}


/**
 * MPR on the series shown in the active pane: from the click on MPR to the volume fully loaded and
 * each of the three reformats drawn with it (its last IMAGE_RENDERED once every slice has arrived),
 * and to the first reformat drawn at all.
 */
async function mprRun(page: Page): Promise<{ readyMs: number; firstMs: number }> {
  return page.evaluate(async () => {
    const hooks = window.radstationViewer;
    const button = [...document.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.trim() === 'MPR');
    if (!hooks || !button) throw new Error('viewer not ready');
    const ids = ['mpr-axial', 'mpr-sagittal', 'mpr-coronal'];
    const lastDrawn = new Map<string, number>();
    const watched = new Set<string>();
    let firstMs = NaN;
    const start = performance.now();
    button.click();
    // Inline promises, no named helpers: tsx wraps named functions in a helper the page does not have.
    for (;;) {
      for (const id of ids) {
        const element = document.querySelector(`[data-viewport-id="${id}"] .viewport-element`);
        if (!element || watched.has(id)) continue;
        watched.add(id);
        element.addEventListener('CORNERSTONE_IMAGE_RENDERED', () => {
          const at = performance.now() - start;
          lastDrawn.set(id, at);
          if (Number.isNaN(firstMs)) firstMs = at;
        });
      }
      if (hooks.mprViews().loaded && lastDrawn.size === ids.length) break;
      if (performance.now() - start > 600_000) throw new Error('MPR did not load in 10 minutes');
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    const loadedAt = performance.now() - start;
    // The draw that follows the last slice's arrival comes within the next frames.
    for (let wait = 0; wait < 3; wait++) await new Promise((resolve) => requestAnimationFrame(resolve));
    return { readyMs: Math.max(loadedAt, ...ids.map((id) => lastDrawn.get(id) ?? NaN)), firstMs };
  });
}

/**
 * A reader scrolling at 60 slices/s from the moment the series opens, with a cold cache: a slice
 * "stalls" when it is not decoded by the time the scroll reaches it, so showing it waits longer
 * than one 60 Hz frame. Returns how many stalled and the longest wait.
 */
async function scrollRun(page: Page, url: string, studyUid: string): Promise<{ stalls: number; longestMs: number; slices: number }> {
  await page.goto(url);
  await page.locator(`tr[data-study-uid="${studyUid}"]`).dblclick();
  await page.getByTestId('overlay-slice').first().waitFor();
  await firstPaneLoaded(page);
  // The same empty second pane as the first-image runs, so the click loads the series afresh.
  await page.getByRole('button', { name: '1×2' }).click();
  await page.getByTestId('viewport-vp-1').click();
  return page.evaluate(async () => {
    const hooks = window.radstationViewer;
    const button = document.querySelector<HTMLButtonElement>('[data-testid="series-item"]');
    if (!hooks || !button) throw new Error('viewer not ready');
    hooks.purgeImageCache();
    await new Promise((resolve) => setTimeout(resolve, 200));
    button.click();
    for (;;) {
      if (hooks.loadedCount('vp-1').loaded > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const slices = hooks.loadedCount('vp-1').total;
    const frameMs = 1000 / 60;
    let stalls = 0;
    let longestMs = 0;
    const start = performance.now();
    for (let index = 1; index < slices; index++) {
      const due = start + index * frameMs;
      if (performance.now() < due) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      const asked = performance.now();
      await hooks.scrollTo(index);
      const waited = performance.now() - asked;
      longestMs = Math.max(longestMs, waited);
      if (waited > frameMs) stalls++;
    }
    return { stalls, longestMs, slices };
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Writes the synthetic CT into the benchmark's own folder and imports it with the product's CLI, linked in place. */
async function generateAndImport(slices: number): Promise<string> {
  let started = performance.now();
  const { files, studyInstanceUid } = await writeSyntheticCt(seriesDir, slices);
  const bytes = files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
  console.log(`wrote ${files.length} slices of 512×512 (${(bytes / 2 ** 20).toFixed(0)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  const report = execFileSync(process.execPath, ['bin/radstation.js', 'import', seriesDir, '--link', '--json', '--cache', cacheDir], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const parsed = JSON.parse(report.trim().split('\n').pop() ?? '{}') as { instances?: number };
  if (parsed.instances !== slices) throw new Error(`the import took ${parsed.instances ?? 0} of ${slices} slices: ${report.slice(-2000)}`);
  console.log(`imported ${slices} slices in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return studyInstanceUid;
}

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-bench-'));
const seriesDir = path.join(cacheDir, 'generated-ct');
const studyUid = generatedSlices ? await generateAndImport(generatedSlices) : (seedCache(cacheDir, dicomFilesIn(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens')))[0]?.studyInstanceUid ?? '');
const host = await startHost(cacheDir);
const server = await chromium.launchServer({ executablePath: process.env.RADSTATION_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs, headless: true });
const browser = await chromium.connect(server.wsEndpoint());
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const first: number[] = [];
  const rates: number[] = [];
  const stageRuns: FirstImageStages[] = [];
  for (let run = 1; run <= runs; run++) {
    const result = await oneRun(page, host.url, studyUid);
    first.push(result.firstImageMs);
    rates.push(result.slicesPerS);
    stageRuns.push(result.stages);
    const { setMs, frames } = result.stages;
    console.log(
      `run ${run}: first image ${result.firstImageMs.toFixed(1)} ms (decoded and set at ${setMs.toFixed(1)}, ${frames} animation frames before the draw), ${result.slices} slices at ${result.slicesPerS.toFixed(1)} slices/s`,
    );
  }
  const stage = (key: keyof FirstImageStages) => median(stageRuns.map((s) => s[key]));
  console.log(
    `first image, medians: click to decoded and set in the viewport ${stage('setMs').toFixed(1)} ms, then ${(stage('drawnMs') - stage('setMs')).toFixed(1)} ms to the first draw, ${stage('frames')} animation frames from the click to the draw`,
  );
  const scroll = generatedSlices ? await scrollRun(page, host.url, studyUid) : undefined;
  if (scroll) console.log(`scrolling at 60 slices/s from the click on a cold cache: ${scroll.stalls} of ${scroll.slices - 1} slices not ready in one frame, longest wait ${scroll.longestMs.toFixed(0)} ms`);
  const mpr = generatedSlices ? await mprRun(page) : undefined;
  if (mpr) console.log(`MPR: first reformat drawn ${mpr.firstMs.toFixed(0)} ms after the click, volume loaded and all three drawn ${mpr.readyMs.toFixed(0)} ms (target ≤ 3000)`);
  const pid = server.process().pid;
  const peak = pid ? processPeakMb(pid) : NaN;
  // SwiftShader keeps the volume's texture in the GPU process, which the renderer's figure leaves out.
  const gpuPeak = pid ? processPeakMb(pid, 'gpu-process') : NaN;
  console.log(
    `median of ${runs}: first image ${median(first).toFixed(1)} ms (target ≤ 150), ${median(rates).toFixed(1)} slices/s (target ≥ 60), peak renderer ${peak.toFixed(0)} MB (target ≤ 1536), GPU process ${gpuPeak.toFixed(0)} MB`,
  );
  const figures = { first_image_ms: Number(median(first).toFixed(1)), slices_per_s: Number(median(rates).toFixed(1)), peak_renderer_mb: Math.round(peak) };
  console.log(JSON.stringify(mpr ? { ...figures, mpr_ready_ms: Math.round(mpr.readyMs) } : figures));
} finally {
  await browser.close();
  await server.close();
  host.stop();
  fs.rmSync(cacheDir, { recursive: true, force: true });
}
