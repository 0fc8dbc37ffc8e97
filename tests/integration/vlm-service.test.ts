import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src-shared/contract';
import { dispatch } from '../../src-main/dispatch';
import { createServices, type Services } from '../../src-main/services';
import { runCli } from '../../src-main/cli/main';
import { VlmWorkerClient } from '../../src-main/inference/vlm/vlm-worker-client';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// The app's VLM service (vlm.ask / vlm.cancel and their events) on the tiny HealthGPT bundle that
// build/model/healthgpt converts from random weights, reading a real CT slice from the study cache.
const PYTHON = process.env['RADSTATION_PYTHON'] ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, numpy'], { encoding: 'utf8' });
const skipReason = probe.status === 0 ? undefined : `${PYTHON} lacks torch/onnx/numpy, needed to build the tiny bundle`;
if (skipReason) console.log(`vlm-service tests skipped: ${skipReason}`);

const context = { host: 'web', client: 'test', role: 'owner' } as const;
const question = 'describe the findings.';

describe.skipIf(skipReason !== undefined)('VLM service: streamed answers about a cached slice', () => {
  const temp = makeTempDir('radstation-vlm-service-');
  const ctFile = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', '01.dcm');
  let bundleDir = '';
  let services: Services;
  let sopInstanceUid = '';
  const tokens: EventPayload<'vlm.token'>[] = [];
  const finished = new Map<string, (payload: EventPayload<'vlm.finished'>) => void>();
  const finishedPayloads = new Map<string, EventPayload<'vlm.finished'>>();

  const call = async <T>(name: string, payload: unknown): Promise<T> => {
    const envelope = await dispatch(services.handlers, name, payload, context, () => {});
    if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
    return envelope.value as T;
  };
  const whenFinished = (requestId: string) =>
    new Promise<EventPayload<'vlm.finished'>>((resolve) => {
      const already = finishedPayloads.get(requestId);
      if (already) resolve(already);
      else finished.set(requestId, resolve);
    });

  beforeAll(async () => {
    const made = spawnSync(PYTHON, [path.resolve('build/model/healthgpt/make_tiny_checkpoint.py'), temp.dir, '--convert', '--never-stop', '--max-positions', '1024'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    bundleDir = path.join(temp.dir, 'bundle-fp32');
    services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache'), userDataDir: path.join(temp.dir, 'user'), modelDirs: [bundleDir] });
    services.events.subscribe((name, payload) => {
      if (name === 'vlm.token') tokens.push(payload as EventPayload<'vlm.token'>);
      if (name === 'vlm.finished') {
        const done = payload as EventPayload<'vlm.finished'>;
        finishedPayloads.set(done.requestId, done);
        finished.get(done.requestId)?.(done);
      }
    });
    const { importId } = services.imports.start({ paths: [ctFile], mode: 'link' });
    const imported = await services.imports.whenFinished(importId);
    expect(imported?.status).toBe('completed');
    sopInstanceUid = dicomParser.parseDicom(fs.readFileSync(ctFile), { untilTag: 'x7fe00010' }).string('x00080018') ?? '';
  }, 180_000);

  afterAll(async () => {
    await services?.close();
    temp.cleanup();
  });

  it("lists the bundle's vlm-generate task as runnable", async () => {
    const { bundles } = await call<{ bundles: { id: string; tasks: { id: string; kind: string; runnable: boolean }[] }[] }>('inference.listModels', {});
    const task = bundles.find((bundle) => bundle.id === 'tiny-healthgpt')?.tasks.find((t) => t.kind === 'vlm-generate');
    expect(task).toMatchObject({ id: 'report-qa', runnable: true });
  });

  it("streams tokens that add up to the answer, which is the CLI's answer for the same slice and window", async () => {
    const reply = await call<{ requestId: string; bundleName: string; bundleVersion: string; provider: string }>('vlm.ask', {
      bundleId: 'tiny-healthgpt',
      sopInstanceUid,
      window: { center: 40, width: 80 },
      question,
      maxNewTokens: 12,
    });
    expect(reply).toMatchObject({ bundleName: 'HealthGPT-M3 (comprehension)', bundleVersion: '1.0.0-fp32', provider: 'cpu' });
    const done = await whenFinished(reply.requestId);
    expect(done.error).toBeUndefined();
    // The setting is auto: this machine has no GPU adapter, so the CPU answered, and the answer says so.
    expect(done.provider).toBe('cpu');
    expect(['stop-token', 'max-tokens']).toContain(done.stopReason);
    const streamed = tokens.filter((token) => token.requestId === reply.requestId);
    expect(streamed.map((token) => token.index)).toEqual([...Array(done.generatedTokens).keys()]);
    expect(streamed.map((token) => token.text).join('')).toBe(done.answer);
    expect(done.generatedTokens).toBeGreaterThan(0);
    expect(done.promptTokens).toBeGreaterThan(16);

    const out: string[] = [];
    const code = await runCli(['ask', '--bundle', bundleDir, '--question', question, '--dicom', ctFile, '--window', '40,80', '--max-tokens', '12', '--json'], {
      out: (text) => out.push(text),
      err: () => {},
    });
    expect(code).toBe(0);
    const cli = JSON.parse(out[0] ?? '{}') as { answer: string; tokens: number; stopReason: string };
    expect(done.answer).toBe(cli.answer);
    expect(done.generatedTokens).toBe(cli.tokens);
    expect(done.stopReason).toBe(cli.stopReason);
  }, 120_000);

  it('stops an answer on vlm.cancel, saying it was cancelled', async () => {
    // This tiny model never chooses a stop token (--never-stop) and has a 1024-position context, so
    // a greedy answer runs to its 400-token limit unless the cancel lands: a race the cancel wins by
    // hundreds of tokens. (The seeded top-p answer asked before stopped by itself after 11 tokens.)
    const reply = await call<{ requestId: string }>('vlm.ask', {
      bundleId: 'tiny-healthgpt',
      sopInstanceUid,
      window: { center: 400, width: 2000 },
      question: 'is there a fracture in the left lung ?',
      maxNewTokens: 400,
    });
    const cancelled = new Promise<boolean>((resolve) => {
      const timer = setInterval(() => {
        if (!tokens.some((token) => token.requestId === reply.requestId)) return;
        clearInterval(timer);
        void call<{ cancelled: boolean }>('vlm.cancel', { requestId: reply.requestId }).then((value) => resolve(value.cancelled));
      }, 5);
    });
    const done = await whenFinished(reply.requestId);
    expect(await cancelled).toBe(true);
    expect(done.stopReason).toBe('cancelled');
    expect(done.generatedTokens).toBeGreaterThan(0);
    expect(done.generatedTokens).toBeLessThan(400);
    expect(tokens.filter((token) => token.requestId === reply.requestId).map((token) => token.text).join('')).toBe(done.answer);
    // A finished answer cannot be cancelled again.
    expect((await call<{ cancelled: boolean }>('vlm.cancel', { requestId: reply.requestId })).cancelled).toBe(false);
  }, 120_000);

  it('refuses an instance that is not in the cache, an unknown bundle and a region outside the image, in words', async () => {
    await expect(call('vlm.ask', { bundleId: 'tiny-healthgpt', sopInstanceUid: '1.2.3.4.5', question })).rejects.toThrow(/not-found: The cache has no instance 1\.2\.3\.4\.5/);
    await expect(call('vlm.ask', { bundleId: 'no-such-bundle', sopInstanceUid, question })).rejects.toThrow(/not-found: There is no model bundle "no-such-bundle"/);
    await expect(call('vlm.ask', { bundleId: 'tiny-healthgpt', sopInstanceUid, question, roi: { x: 500, y: 500, width: 100, height: 100 } })).rejects.toThrow(
      /invalid-request: .*outside the 512×512 image/,
    );
    // A compact bundle without a vlm-generate task is not an answerer of open questions.
    await expect(call('vlm.ask', { bundleId: 'radstation-compact', sopInstanceUid, question })).rejects.toThrow(/vlm-generate/);
  });

  it('fails the answer in words when its worker dies, and closes at once after', async () => {
    const client = await VlmWorkerClient.open(bundleDir, { intraOpNumThreads: 1 });
    const pending = client.ask({ question, maxNewTokens: 400, ignoreStopTokens: true });
    // Stands in for the operating system killing the thread (out of memory, say).
    await client['worker'].terminate();
    await expect(pending.answer).rejects.toThrow(/the VLM worker stopped/);
    await client.close();
  }, 60_000);
});
