import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, events as contractEvents, type EventName, type EventPayload } from '../../src-shared/contract';
import { dispatch } from '../../src-main/dispatch';
import { createServices, type Services } from '../../src-main/services';
import { openCacheDatabase } from '../../src-main/studies/cache/database';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';
import { makeUpsampleBundle, pythonFixtureProblem, seedCache } from '../helpers/inference/fixtures';

// The whole app's services, through the same dispatcher both hosts use: a real cache
// (seeded with a minimal insert; derived series then go through the real import service), the real
// worker thread and real onnxruntime sessions on 28 real CT slices.
const problem = pythonFixtureProblem();
if (problem) console.warn(`inference-jobs tests skipped: ${problem}`);

const context = { host: 'web', client: 'test', role: 'owner' } as const;

describe.skipIf(problem !== undefined)('inference jobs through the contract', () => {
  const temp = makeTempDir('radstation-jobs-');
  const cacheDir = path.join(temp.dir, 'cache');
  const derivedDir = path.join(cacheDir, 'derived');
  const ctDir = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
  let services: Services;
  let seeded: ReturnType<typeof seedCache>;
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const contractViolations: string[] = [];
  const eventsSeen = new Set<string>();

  function call(name: string, payload: unknown) {
    return dispatch(services.handlers, name, payload, context);
  }

  function seriesCountInStudy(): number {
    const db = openCacheDatabase(cacheDir, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM series WHERE study_instance_uid = ?').get(seeded.studyInstanceUid) as { n: number }).n;
    } finally {
      db.close();
    }
  }

  function waitForFinish(jobId: string, onProgress: (payload: EventPayload<'inference.progress'>) => void = () => {}) {
    return new Promise<EventPayload<'inference.finished'>>((resolve) => {
      const listener = (name: EventName, payload: unknown): void => {
        if (name === 'inference.progress' && (payload as EventPayload<'inference.progress'>).jobId === jobId) onProgress(payload as EventPayload<'inference.progress'>);
        if (name === 'inference.finished' && (payload as EventPayload<'inference.finished'>).jobId === jobId) {
          listeners.delete(listener);
          resolve(payload as EventPayload<'inference.finished'>);
        }
      };
      listeners.add(listener);
    });
  }

  beforeAll(() => {
    const models = path.join(temp.dir, 'models');
    makeUpsampleBundle(path.join(models, 'test-upsample'));
    const files = fs.readdirSync(ctDir).filter((name) => name.endsWith('.dcm')).sort().map((name) => path.join(ctDir, name));
    seeded = seedCache(cacheDir, files);
    services = createServices({ host: 'web', cacheDir, userDataDir: path.join(temp.dir, 'user'), modelDirs: [models] });
    services.events.subscribe((name, payload) => {
      // Every event must match the contract the renderer checks it against.
      const checked = contractEvents[name].payload.safeParse(payload);
      if (!checked.success) contractViolations.push(`${name}: ${checked.error.message}`);
      eventsSeen.add(name);
      for (const listener of [...listeners]) listener(name, payload);
    });
  });

  afterAll(async () => {
    await services?.close();
    temp.cleanup();
  });

  it('lists the bundle through the contract', async () => {
    const listed = await call('inference.listModels', {});
    expect(listed.ok).toBe(true);
    const value = calls['inference.listModels'].response.parse((listed as { value: unknown }).value);
    expect(value.bundles.find((bundle) => bundle.id === 'test-upsample')?.valid).toBe(true);
    expect(value.providers.at(-1)).toBe('cpu');
  });

  it('warms up a task session and says which provider it opened on', async () => {
    const answer = await call('inference.warmUp', { taskId: 'upsample-x2', provider: 'cpu' });
    expect(answer).toEqual({ ok: true, value: { provider: 'cpu', fallbacks: [] } });
  });

  it('releases its open session before it stops its worker, and opens a fresh one on the next use', async () => {
    expect(await call('inference.warmUp', { taskId: 'upsample-x2', provider: 'cpu' })).toMatchObject({ ok: true });
    // Freed by onnxruntime's own release, not torn down under a terminated thread.
    expect(await services.inference.close()).toBe(1);
    expect(await call('inference.warmUp', { taskId: 'upsample-x2', provider: 'cpu' })).toMatchObject({ ok: true });
    expect(await services.inference.releaseSessions()).toBe(1);
  });

  it('falls back to CPU when WebGPU (no adapter here) or DirectML (not Windows) is forced, and says so', async () => {
    for (const provider of ['webgpu', 'dml'] as const) {
      const answer = await call('inference.preview', { taskId: 'upsample-x2', provider, sopInstanceUid: seeded.sopInstanceUids[0] });
      expect(answer.ok, JSON.stringify(answer)).toBe(true);
      const value = calls['inference.preview'].response.parse((answer as { value: unknown }).value);
      if (value.provider === provider) {
        console.warn(`${provider} is usable on this machine; the fallback path was not exercised for it`);
        continue;
      }
      expect(value.provider).toBe('cpu');
      expect(value.fallbacks[0]?.provider).toBe(provider);
      expect(value.fallbacks[0]?.reason.length).toBeGreaterThan(0);
    }
  });

  it('answers a ping while a series job runs (the ping is answered before the job finishes)', async () => {
    const order: string[] = [];
    let slicesAtPing = -1;
    const changed: unknown[] = [];
    const stopWatching = services.events.subscribe((name, payload) => {
      if (name === 'studies.changed') changed.push(payload);
    });
    const started = await call('inference.run', { taskId: 'upsample-x2', provider: 'cpu', seriesInstanceUid: seeded.seriesInstanceUid });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    const { jobId } = (started as { value: { jobId: string } }).value;
    let pinged: Promise<void> | undefined;
    const finished = waitForFinish(jobId, (progress) => {
      if (progress.slicesDone !== 1 || pinged) return;
      // A fresh macrotask, as a renderer's message would arrive.
      pinged = new Promise((resolve) =>
        setImmediate(() => {
          void call('app.ping', { sentAt: Date.now() }).then((answer) => {
            expect(answer.ok).toBe(true);
            order.push('ping answered');
            resolve();
          });
        }),
      );
      slicesAtPing = progress.slicesDone;
    });
    const outcome = await finished;
    order.push('job finished');
    await pinged;
    expect(outcome.status, JSON.stringify(outcome.error)).toBe('completed');
    expect(outcome.result?.outputs).toHaveLength(28);
    expect(slicesAtPing).toBe(1);
    expect(order).toEqual(['ping answered', 'job finished']);
    expect(seriesCountInStudy()).toBe(2);
    stopWatching();
    // The study browser is told to refresh the study that gained the derived series (once per
    // commit: an import slowed by a loaded machine may commit the series in two batches).
    expect(changed.length).toBeGreaterThan(0);
    for (const event of changed) expect(event).toEqual({ studyInstanceUids: [seeded.studyInstanceUid] });
  });

  it('cancels mid-series and leaves no derived series behind', async () => {
    const before = seriesCountInStudy();
    const derivedBefore = fs.readdirSync(derivedDir);
    const started = await call('inference.run', { taskId: 'upsample-x2-tiled', provider: 'cpu', seriesInstanceUid: seeded.seriesInstanceUid });
    const { jobId } = (started as { value: { jobId: string } }).value;
    let cancelAnswer: Promise<unknown> | undefined;
    const outcome = await waitForFinish(jobId, (progress) => {
      if (progress.slicesDone === 2 && !cancelAnswer) cancelAnswer = call('inference.cancel', { jobId });
    });
    expect(await cancelAnswer).toEqual({ ok: true, value: { cancelled: true } });
    expect(outcome.status).toBe('cancelled');
    expect(outcome.result).toBeUndefined();
    expect(fs.readdirSync(derivedDir)).toEqual(derivedBefore);
    expect(seriesCountInStudy()).toBe(before);
    expect(await call('inference.cancel', { jobId })).toEqual({ ok: true, value: { cancelled: false } });
  });

  it('stops a job that runs past its timeout, with a clear error and nothing saved', async () => {
    const before = seriesCountInStudy();
    const derivedBefore = fs.readdirSync(derivedDir);
    const started = await call('inference.run', { taskId: 'upsample-x2-tiled', provider: 'cpu', seriesInstanceUid: seeded.seriesInstanceUid, timeoutSeconds: 0.5 });
    const outcome = await waitForFinish((started as { value: { jobId: string } }).value.jobId);
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('timeout');
    expect(outcome.error?.message).toMatch(/past its .* limit/);
    expect(fs.readdirSync(derivedDir)).toEqual(derivedBefore);
    expect(seriesCountInStudy()).toBe(before);
    // The worker was stopped; the next request starts a fresh one.
    const answer = await call('inference.preview', { taskId: 'upsample-x2', provider: 'cpu', sopInstanceUid: seeded.sopInstanceUids[0] });
    expect(answer.ok, JSON.stringify(answer)).toBe(true);
  });

  it('sent only events that match the contract', () => {
    // The derived series goes through the import service, whose own events come too.
    expect([...eventsSeen].filter((name) => name.startsWith('inference.') || name === 'studies.changed').sort()).toEqual(['inference.finished', 'inference.progress', 'studies.changed']);
    expect(contractViolations).toEqual([]);
  });

  it('keeps derived series in the managed store, so deleting the study removes their files', async () => {
    const db = openCacheDatabase(cacheDir, { readonly: true });
    const derivedRows = db
      .prepare(
        `SELECT i.file_path, i.storage_mode FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid
          WHERE s.study_instance_uid = ? AND s.is_derived = 1`,
      )
      .all(seeded.studyInstanceUid) as Array<{ file_path: string; storage_mode: string }>;
    db.close();
    // The ping test saved one 28-slice series.
    expect(derivedRows).toHaveLength(28);
    const storeRoot = path.join(cacheDir, 'store') + path.sep;
    for (const row of derivedRows) {
      expect(row.storage_mode).toBe('copy');
      expect(row.file_path.startsWith(storeRoot), row.file_path).toBe(true);
      expect(fs.existsSync(row.file_path)).toBe(true);
    }
    // The files the job wrote are not kept beside their store copies.
    expect(fs.readdirSync(derivedDir).filter((name) => !name.startsWith('.'))).toEqual([]);

    const deleted = await call('studies.delete', { studyInstanceUid: seeded.studyInstanceUid });
    expect(deleted.ok, JSON.stringify(deleted)).toBe(true);
    for (const row of derivedRows) expect(fs.existsSync(row.file_path), row.file_path).toBe(false);
    // The seeded source slices were linked in place: the user's files are untouched.
    expect(fs.readdirSync(ctDir).filter((name) => name.endsWith('.dcm'))).toHaveLength(28);
  });

  it('rejects bad requests with clear errors', async () => {
    const unknownSeries = await call('inference.run', { taskId: 'upsample-x2', seriesInstanceUid: '1.2.3.4' });
    expect(unknownSeries).toMatchObject({ ok: false, error: { code: 'not-found', message: 'The cache has no series 1.2.3.4.' } });
    const badProvider = await call('inference.preview', { taskId: 'upsample-x2', provider: 'quantum', sopInstanceUid: '1.2.3' });
    expect(badProvider).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });
});
