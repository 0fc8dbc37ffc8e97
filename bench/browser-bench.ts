// Study browser benchmark at a busy clinic's size: writes N one-image studies (synthetic DICOM,
// default 100,000), imports them with the product's CLI import (linked in place), then times the
// study list's queries as the studies.list call runs them (page and total from one snapshot) and the
// web host's page from navigation to the painted list (its first screen, and all of its rows), in headless Chromium.
// Prints figures and ends with one JSON line; asserts nothing about time.
//   npm run bench:browser -- --studies 20000 [--runs 30] [--keep]
//   npm run bench:browser -- --cache DIR   (measures a cache already built, e.g. one kept by --keep)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumArgs } from '../playwright.config';
import { createStudyService } from '../src-main/studies/study-service';
import type { StudyQuery } from '../src-shared/domain/studies';
import { writeSyntheticStudies } from '../tests/helpers/synthetic-studies';

const { values } = parseArgs({ options: { studies: { type: 'string', default: '100000' }, runs: { type: 'string', default: '30' }, keep: { type: 'boolean', default: false }, cache: { type: 'string' } } });
let studyCount = Number(values.studies);
const runs = Number(values.runs);
if (!Number.isInteger(studyCount) || studyCount < 1 || !Number.isInteger(runs) || runs < 1) throw new Error('--studies and --runs take positive whole numbers');
const pageLimit = 500;

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const round1 = (value: number) => Math.round(value * 10) / 10;

/** Peak resident memory (VmHWM) of a process, in MB; NaN once it is gone. */
function peakRssMb(pid: number | undefined): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

async function startHost(cacheDir: string) {
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
  return { url, pid: child.pid, stop: () => child.kill('SIGTERM') };
}

const workDir = values.cache ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-browser-bench-'));
const cacheDir = values.cache ? path.resolve(values.cache) : path.join(workDir ?? '', 'cache');

/** Writes the studies and imports them with the product's CLI, as a clinic's cache would be filled. */
function buildCache(dir: string): void {
  const sources = path.join(dir, 'sources');
  let started = performance.now();
  writeSyntheticStudies(sources, studyCount, `1.2.826.0.1.3680043.8.498.${Date.now() % 1_000_000_000}`);
  console.log(`wrote ${studyCount} studies (one image each) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  started = performance.now();
  const imported = spawnSync(process.execPath, ['bin/radstation.js', 'import', sources, '--cache', cacheDir, '--link', '--json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (imported.status !== 0) throw new Error(`radstation import failed (${imported.status}): ${imported.stderr}`);
  const report = JSON.parse(imported.stdout.trim().split('\n').pop() ?? '{}') as { studies: number; instances: number; failed: unknown[]; seconds: number };
  if (report.studies !== studyCount) throw new Error(`the import made ${report.studies} studies of ${studyCount} (${report.failed.length} files failed)`);
  console.log(`imported ${report.instances} files, ${report.studies} studies, in ${report.seconds.toFixed(1)} s (${Math.round(report.instances / report.seconds)} files/s; ${((performance.now() - started) / 1000).toFixed(1)} s with the CLI's start-up)`);
}

try {
  if (workDir) buildCache(workDir);

  // The searches a reception desk types most; each is the call the browser makes (limit 500, page and total).
  const searches: [string, StudyQuery][] = [
    ['no filter, newest first', {}],
    ['patient name text "chen"', { text: 'chen' }],
    ['modality MR', { modality: 'MR' }],
    ['date range, one year', { from: '20100101', to: '20101231' }],
    ['sorted by patient name', { sortBy: 'patientName', sortDirection: 'asc' }],
    ['name text and modality', { text: 'kowalski', modality: 'CT' }],
  ];
  const studiesService = createStudyService(cacheDir);
  if (!workDir) {
    studyCount = studiesService.page({ limit: 1 }).total;
    console.log(`measuring the cache in ${cacheDir}: ${studyCount} studies`);
  }
  const p95s: number[] = [];
  try {
    for (const [label, query] of searches) {
      studiesService.page(query); // warm the statement and the page cache
      const samples: number[] = [];
      let listed = 0;
      let total = 0;
      for (let run = 0; run < runs; run += 1) {
        const start = performance.now();
        const reply = studiesService.page(query);
        samples.push(performance.now() - start);
        listed = reply.studies.length;
        total = reply.total;
      }
      const p95 = percentile(samples, 95);
      p95s.push(p95);
      console.log(`query ${label}: ${listed} of ${total}, p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (${runs} runs)`);
    }
  } finally {
    studiesService.close();
  }

  const host = await startHost(cacheDir);
  const browser = await chromium.launch({ executablePath: process.env.RADSTATION_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs, headless: true });
  const paints: number[] = [];
  const allRowPaints: number[] = [];
  let hostPeak = NaN;
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const expectedRows = Math.min(pageLimit, studyCount);
    // Marks, in the page's own clock (0 = navigation start), the first frame after the list fills the screen (rows
    // down past the window's bottom edge, or every row of the page), and the first frame after all of its rows are in the DOM.
    // (No named functions inside: tsx would wrap them in a helper the page does not have.)
    await page.addInitScript((rows: number) => {
      const marker = window as unknown as { screenPaintedAt?: number; listPaintedAt?: number };
      let screenFull = false;
      const observer = new MutationObserver(() => {
        const listed = document.querySelectorAll('tr.study-row');
        const last = listed[listed.length - 1];
        if (!screenFull && last && (listed.length >= rows || last.getBoundingClientRect().top >= window.innerHeight)) {
          screenFull = true;
          requestAnimationFrame(() => setTimeout(() => (marker.screenPaintedAt = performance.now()), 0));
        }
        if (listed.length < rows) return;
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => (marker.listPaintedAt = performance.now()), 0));
      });
      observer.observe(document, { childList: true, subtree: true });
    }, expectedRows);
    await page.goto(host.url); // the join link: trades its code for the session cookie
    const origin = new URL(host.url).origin;
    for (let run = 0; run < 6; run += 1) {
      await page.goto(`${origin}/`);
      const painted = await page.waitForFunction(() => {
        const marker = window as unknown as { screenPaintedAt?: number; listPaintedAt?: number };
        return marker.screenPaintedAt !== undefined && marker.listPaintedAt !== undefined && [marker.screenPaintedAt, marker.listPaintedAt];
      }, undefined, { timeout: 60_000 });
      const [screenMs, allMs] = (await painted.jsonValue()) as [number, number];
      // The first load fills the browser's caches; the rest are what a user sees on each later visit.
      if (run > 0) {
        paints.push(screenMs);
        allRowPaints.push(allMs);
      }
      console.log(`page ${run === 0 ? '(cold, not counted)' : run}: the list's first screen painted ${screenMs.toFixed(0)} ms after navigation start, all ${expectedRows} rows ${allMs.toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
    hostPeak = peakRssMb(host.pid);
    host.stop();
  }
  const benchPeak = process.resourceUsage().maxRSS / 1024;
  console.log(`peak RSS: web host ${hostPeak.toFixed(0)} MB, this process (writing, query timing) ${benchPeak.toFixed(0)} MB`);
  const result = {
    studies: studyCount,
    query_p95_ms: round1(Math.max(...p95s)),
    list_paint_ms: Math.round(percentile(paints, 50)),
    peak_rss_mb: Math.round(Math.max(hostPeak, benchPeak)),
  };
  console.log(
    `worst query p95 ${result.query_p95_ms} ms (target ≤ 50); list painted (its first screen), median of ${paints.length} loads, ${result.list_paint_ms} ms (target ≤ 300); all ${Math.min(pageLimit, studyCount)} rows painted ${Math.round(percentile(allRowPaints, 50))} ms`,
  );
  console.log(JSON.stringify(result));
} finally {
  if (workDir && values.keep) console.log(`kept ${workDir}`);
  else if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
}
