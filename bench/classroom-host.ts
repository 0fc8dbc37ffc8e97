/**
 * The classroom benchmark's host process (started by bench/classroom-bench.ts, not by hand):
 * a workstation's services over a fresh cache holding the 176-slice MR and the 28-slice CT
 * (imported in place), and a teaching session with both. Prints one JSON line with the links,
 * then samples its own RSS while the class runs; on "stop" (stdin) it ends the session and
 * prints {"peak_rss_mb", "loop_delay_p99_ms", "loop_delay_max_ms"} for the class (the RSS of
 * this process alone, so the simulated students' memory is not counted; how late its event
 * loop ran, which is what every call and file request waits behind).
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import readline from 'node:readline';
import { createServices } from '../src-main/services';

const [workDir, sharedData] = process.argv.slice(2) as [string, string];
const rendererDir = path.join(workDir, 'renderer');
fs.mkdirSync(rendererDir, { recursive: true });
// The benchmark's browsers are scripts: an index page stands in for the built app.
fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>classroom bench</title>');
const services = createServices({ host: 'web', cacheDir: path.join(workDir, 'cache'), userDataDir: path.join(workDir, 'user'), classroomRendererDir: rendererDir });
const folders = ['mr-brain-t1-mprage-siemens', 'ct-head-ge-tilted'].map((name) => path.join(sharedData, 'dicom', 'series', name));
const { importId } = services.imports.start({ paths: folders, mode: 'link' });
const imported = await services.imports.whenFinished(importId);
if (imported?.status !== 'completed') throw new Error(`the import did not complete: ${imported?.message ?? ''}`);
const startedAt = performance.now();
const links = await services.teaching.start({ studyInstanceUids: services.studies.list({}).map((study) => study.studyInstanceUid), options: [], allowStudentAi: false, durationMinutes: 120 });
const sessionStartMs = performance.now() - startedAt;

let peakRss = process.memoryUsage.rss();
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
process.stdout.write(`${JSON.stringify({ ...links, sessionStartMs })}\n`);

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== 'stop') continue;
  clearInterval(sampler);
  loopDelay.disable();
  process.stdout.write(`${JSON.stringify({ peak_rss_mb: Math.round(peakRss / 1024 / 1024), loop_delay_p99_ms: loopDelay.percentile(99) / 1e6, loop_delay_max_ms: loopDelay.max / 1e6 })}\n`);
  await services.close();
  break;
}
process.exit(0);
