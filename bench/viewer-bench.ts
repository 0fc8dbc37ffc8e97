// Viewer benchmark: headless Chromium against the web host, on the shared MR series.
// Prints figures per run and ends with one JSON line; asserts nothing about time.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { chromiumArgs } from '../playwright.config';
import { dicomFilesIn, seedCache } from '../tests/helpers/viewer-seed';
import { sharedDataPath } from '../tests/helpers/shared-data';

const runs = 5;

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

/** Peak resident memory (VmHWM) of the browser's renderer processes, in MB. */
function rendererPeakMb(browserPid: number): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes('--type=renderer')) continue;
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

async function oneRun(page: Page, url: string, studyUid: string): Promise<{ firstImageMs: number; slicesPerS: number; slices: number; stages: FirstImageStages }> {
  await page.goto(url);
  await page.locator(`tr[data-study-uid="${studyUid}"]`).dblclick();
  await page.getByTestId('overlay-slice').first().waitFor();
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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-bench-'));
const seeded = seedCache(cacheDir, dicomFilesIn(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens')));
const host = await startHost(cacheDir);
const server = await chromium.launchServer({ executablePath: process.env.RADSTATION_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs, headless: true });
const browser = await chromium.connect(server.wsEndpoint());
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const first: number[] = [];
  const rates: number[] = [];
  const stageRuns: FirstImageStages[] = [];
  for (let run = 1; run <= runs; run++) {
    const result = await oneRun(page, host.url, seeded[0]?.studyInstanceUid ?? '');
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
  const pid = server.process().pid;
  const peak = pid ? rendererPeakMb(pid) : NaN;
  console.log(`median of ${runs}: first image ${median(first).toFixed(1)} ms (target ≤ 150), ${median(rates).toFixed(1)} slices/s (target ≥ 60), peak renderer ${peak.toFixed(0)} MB`);
  console.log(JSON.stringify({ first_image_ms: Number(median(first).toFixed(1)), slices_per_s: Number(median(rates).toFixed(1)), peak_renderer_mb: Math.round(peak) }));
} finally {
  await browser.close();
  await server.close();
  host.stop();
  fs.rmSync(cacheDir, { recursive: true, force: true });
}
