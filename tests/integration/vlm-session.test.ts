import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir';
import { VlmSession, type TokenEvent } from '../../src-main/inference/vlm/vlm-session';
import { VlmWorkerClient } from '../../src-main/inference/vlm/vlm-worker-client';
import { runCli } from '../../src-main/cli/main';
import { sharedDataDir } from '../helpers/shared-data';
import fs from 'node:fs';

// The runtime on a tiny HealthGPT bundle that build/model/healthgpt converts from random weights.
const PYTHON = process.env['RADSTATION_PYTHON'] ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, numpy'], { encoding: 'utf8' });
const skipReason = probe.status === 0 ? undefined : `${PYTHON} lacks torch/onnx/numpy, needed to build the tiny bundle`;
if (skipReason) console.log(`vlm-session tests skipped: ${skipReason}`);

const image = { width: 20, height: 12, channels: 1 as const, data: new Uint8Array(240).map((_, i) => (i * 29) % 256) };
const question = 'describe the findings.';

describe.skipIf(skipReason !== undefined)('VLM session on a tiny HealthGPT bundle', () => {
  const temp = makeTempDir('radstation-vlm-session-');
  let bundle = '';
  let session: VlmSession;

  beforeAll(async () => {
    const made = spawnSync(PYTHON, [path.resolve('build/model/healthgpt/make_tiny_checkpoint.py'), temp.dir, '--convert'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    bundle = path.join(temp.dir, 'bundle-fp32');
    session = await VlmSession.open(bundle, { intraOpNumThreads: 1 });
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    temp.cleanup();
  });

  it('streams one event per token whose texts add up to the answer', async () => {
    const events: TokenEvent[] = [];
    const answer = await session.ask({ question, image, maxNewTokens: 12, ignoreStopTokens: true, onToken: (e) => events.push(e) });
    expect(answer.tokenIds).toHaveLength(12);
    expect(answer.stopReason).toBe('max-tokens');
    expect(events.map((e) => e.tokenId)).toEqual(answer.tokenIds);
    expect(events.map((e) => e.index)).toEqual([...answer.tokenIds.keys()]);
    expect(events.map((e) => e.text).join('')).toBe(answer.text);
    // 16 image features replace the one placeholder.
    expect(answer.promptTokens).toBe(session.promptIds(question, true).length - 1 + 16);
  });

  it('ends an answer cut in the middle of a character at its last whole character, as the stream does', async () => {
    // 'é' is two byte tokens (C3 A9) in a byte-fallback vocabulary; stop after the first.
    const [first, second] = ['<0xC3>', '<0xA9>'].map((piece) => session.tokenizer.tokenId(piece));
    if (first === undefined || second === undefined) throw new Error('the tiny vocabulary has no byte tokens');
    const hello = session.tokenizer.encode('ok').filter((id) => !session.tokenizer.isSpecial(id));
    const events: TokenEvent[] = [];
    const cut = await session.ask({ question, image, maxNewTokens: hello.length + 1, forcedTokens: [...hello, first], ignoreStopTokens: true, onToken: (e) => events.push(e) });
    expect(cut.stopReason).toBe('max-tokens');
    expect(session.tokenizer.decode(cut.tokenIds)).toMatch(/\uFFFD$/);
    expect(cut.text).toBe(session.tokenizer.decode(hello));
    expect(events.map((e) => e.text).join('')).toBe(cut.text);
    // With the second byte the character is whole, and it is in both.
    const whole = await session.ask({ question, image, maxNewTokens: hello.length + 2, forcedTokens: [...hello, first, second], ignoreStopTokens: true });
    expect(whole.text).toBe(`${session.tokenizer.decode(hello)}é`);
  });

  it('stops at a stop token without emitting it', async () => {
    const stop = session.bundle.generation.stopTokenIds[0]!;
    const answer = await session.ask({ question, image, maxNewTokens: 10, forcedTokens: [300, stop, 301] });
    expect(answer.stopReason).toBe('stop-token');
    expect(answer.tokenIds).toEqual([300]);
  });

  it('cancels between decode steps', async () => {
    const controller = new AbortController();
    const answer = await session.ask({
      question, image, maxNewTokens: 20, ignoreStopTokens: true, signal: controller.signal,
      onToken: (e) => { if (e.index === 2) controller.abort(); },
    });
    expect(answer.stopReason).toBe('cancelled');
    expect(answer.tokenIds).toHaveLength(3);
  });

  it('refuses a prompt longer than the model has positions for', async () => {
    await expect(session.ask({ question: 'the chest '.repeat(300), image, maxNewTokens: 2 })).rejects.toThrow(/positions/);
  });

  it('answers text-only questions and reproduces top-p samples from a seed', async () => {
    const textOnly = await session.ask({ question, maxNewTokens: 4, ignoreStopTokens: true });
    expect(textOnly.promptTokens).toBe(session.promptIds(question, false).length);
    const sampling = { kind: 'top-p' as const, topP: 0.9, temperature: 1, seed: 11 };
    const first = await session.ask({ question, image, maxNewTokens: 8, ignoreStopTokens: true, sampling });
    const again = await session.ask({ question, image, maxNewTokens: 8, ignoreStopTokens: true, sampling });
    expect(again.tokenIds).toEqual(first.tokenIds);
  });

  it('answers through `radstation ask` on a real CT slice, as JSON', async () => {
    const ct = `${sharedDataDir}/dicom/series/ct-head-ge-tilted/01.dcm`;
    if (!fs.existsSync(ct)) {
      console.log(`radstation ask test skipped: shared test data not found at ${ct}`);
      return;
    }
    const out: string[] = [];
    const code = await runCli(['ask', '--bundle', bundle, '--question', question, '--dicom', ct, '--window', '40,80', '--max-tokens', '5', '--threads', '1', '--json'],
      { out: (t) => out.push(t), err: (t) => out.push(t) });
    expect(code).toBe(0);
    const result = JSON.parse(out[0] ?? '{}') as { tokens: number; aiGenerated: boolean; window: { center: number; width: number } };
    expect(result.tokens).toBeLessThanOrEqual(5);
    expect(result.aiGenerated).toBe(true);
    expect(result.window).toEqual({ center: 40, width: 80 });
    expect(await runCli(['ask', '--bundle', bundle], { out: () => {}, err: (t) => out.push(t) })).toBe(2);
  });

  it('`radstation ask --provider` runs on that provider or says it fell back, and refuses an unknown one', async () => {
    const ask = async (args: string[], env?: string) => {
      const out: string[] = [];
      const err: string[] = [];
      const before = process.env['RADSTATION_PROVIDER'];
      if (env !== undefined) process.env['RADSTATION_PROVIDER'] = env;
      try {
        const code = await runCli(['ask', '--bundle', bundle, '--question', question, '--max-tokens', '2', '--threads', '1', ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
        return { code, out, err };
      } finally {
        if (before === undefined) delete process.env['RADSTATION_PROVIDER'];
        else process.env['RADSTATION_PROVIDER'] = before;
      }
    };
    type Reply = { provider: string; fallbacks: { provider: string; reason: string }[] };
    const cpu = await ask(['--provider', 'cpu', '--json']);
    expect(cpu.code).toBe(0);
    expect(JSON.parse(cpu.out[0] ?? '{}')).toMatchObject({ provider: 'cpu', fallbacks: [] });
    // WebGPU, forced by the option and then by the environment: it runs there when this machine has an adapter,
    // otherwise the reply names WebGPU's failure and the CPU that answered.
    const direct = await VlmSession.open(bundle, { provider: 'webgpu', intraOpNumThreads: 1 });
    const expected = { provider: direct.provider, fallbacks: direct.fallbacks.map((f) => f.provider) };
    await direct.close();
    for (const run of [await ask(['--provider', 'webgpu', '--json']), await ask(['--json'], 'webgpu')]) {
      expect(run.code).toBe(0);
      const reply = JSON.parse(run.out[0] ?? '{}') as Reply;
      expect({ provider: reply.provider, fallbacks: reply.fallbacks.map((f) => f.provider) }).toEqual(expected);
    }
    // Without --json the provider is named on stderr, after any fallback's reason.
    const text = await ask(['--provider', 'webgpu']);
    expect(text.err.at(-1)).toContain(`on ${expected.provider}]`);
    if (expected.fallbacks.length > 0) expect(text.err.some((line) => line.startsWith('provider webgpu unavailable: '))).toBe(true);
    const wrong = await ask(['--provider', 'tpu']);
    expect(wrong.code).toBe(2);
    expect(wrong.err.join('\n')).toMatch(/--provider must be one of .*cpu.*"tpu"/);
  }, 90_000);

  it('honours the provider setting: a provider that cannot open the bundle falls back to the CPU, which says it answered', async () => {
    expect(session.provider).toBe('cpu');
    expect(session.fallbacks).toEqual([]);
    const forced = await VlmSession.open(bundle, { provider: 'webgpu', intraOpNumThreads: 1 });
    const client = await VlmWorkerClient.open(bundle, { provider: 'webgpu', intraOpNumThreads: 1 });
    try {
      if (forced.provider === 'webgpu') {
        // A machine with a WebGPU adapter runs the bundle there.
        expect(forced.fallbacks).toEqual([]);
      } else {
        // No adapter here (the CI machine has no GPU): WebGPU was tried, failed in words, and the CPU answered.
        expect(forced.provider).toBe('cpu');
        expect(forced.fallbacks).toEqual([{ provider: 'webgpu', reason: expect.stringMatching(/\S/) as unknown as string }]);
        const expected = await session.ask({ question, image, maxNewTokens: 6, ignoreStopTokens: true });
        expect((await forced.ask({ question, image, maxNewTokens: 6, ignoreStopTokens: true })).tokenIds).toEqual(expected.tokenIds);
      }
      // The worker host reports the same provider and fallbacks.
      expect(client.provider).toBe(forced.provider);
      expect(client.fallbacks.map((f) => f.provider)).toEqual(forced.fallbacks.map((f) => f.provider));
    } finally {
      await forced.close();
      await client.close();
    }
  }, 60_000);

  it('runs the same greedy answer in a worker thread, streaming and cancellable', async () => {
    const local = await session.ask({ question, image, maxNewTokens: 8, ignoreStopTokens: true });
    const client = await VlmWorkerClient.open(bundle, { intraOpNumThreads: 1 });
    try {
      const streamed: number[] = [];
      const remote = await client.ask({ question, image, maxNewTokens: 8, ignoreStopTokens: true }, (e) => streamed.push(e.tokenId)).answer;
      expect(remote.tokenIds).toEqual(local.tokenIds);
      expect(streamed).toEqual(local.tokenIds);
      let pending: ReturnType<VlmWorkerClient['ask']> | undefined;
      pending = client.ask({ question, image, maxNewTokens: 200, ignoreStopTokens: true }, (e) => { if (e.index === 1) pending?.cancel(); });
      const cancelled = await pending.answer;
      expect(cancelled.stopReason).toBe('cancelled');
      expect(cancelled.tokenIds.length).toBeLessThan(200);
    } finally {
      await client.close();
    }
  }, 60_000);
});
