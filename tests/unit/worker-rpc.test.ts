import { afterEach, describe, expect, it } from 'vitest';
import { startModuleWorker } from '../../src-main/platform/module-worker';
import { WorkerCallError, WorkerRpcClient, WorkerStoppedError } from '../../src-main/platform/worker-rpc/client-side';
import type { FixtureData, FixtureMethods } from '../helpers/worker-rpc/fixture-methods';

/** The worker RPC helper against a real worker thread (tests/helpers/worker-rpc/fixture-worker.ts). */
const clients: WorkerRpcClient<FixtureMethods>[] = [];

function startFixture(data: FixtureData = { sequential: false }): WorkerRpcClient<FixtureMethods> {
  const worker = startModuleWorker({ callerUrl: import.meta.url, sourcePath: '../helpers/worker-rpc/fixture-worker.ts', builtFileName: 'no-such-worker.js' }, { workerData: data });
  const client = new WorkerRpcClient<FixtureMethods>(worker, { name: 'fixture worker' });
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.terminate()));
});

describe('worker RPC', () => {
  it('says when the worker is ready and answers each call under its own ID', async () => {
    const client = startFixture();
    await client.ready;
    const first = client.start('echo', { value: 'a', delayMs: 0 });
    const second = client.start('echo', { value: 'b', delayMs: 0 });
    expect(first.id).not.toBe(second.id);
    expect(client.pendingCount).toBe(2);
    expect((await first.result).value).toBe('a');
    expect((await second.result).value).toBe('b');
    expect(client.pendingCount).toBe(0);
  });

  it('runs concurrent calls at once, each answer reaching its own caller', async () => {
    const client = startFixture();
    const order: string[] = [];
    const slow = client.call('echo', { value: 'slow', delayMs: 300 }).then((reply) => order.push(reply.value));
    const fast = client.call('echo', { value: 'fast', delayMs: 0 }).then((reply) => order.push(reply.value));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('in sequential mode handles one call at a time, in arrival order', async () => {
    const client = startFixture({ sequential: true });
    const [slow, fast] = await Promise.all([client.call('echo', { value: 'slow', delayMs: 300 }), client.call('echo', { value: 'fast', delayMs: 0 })]);
    expect(slow).toEqual({ value: 'slow', threadSeen: 1 });
    expect(fast).toEqual({ value: 'fast', threadSeen: 2 });
  });

  it('streams a call’s events to that caller only, in order, before its result', async () => {
    const client = startFixture();
    const seen: { call: string; index: number }[] = [];
    const [a, b] = await Promise.all([
      client.call('count', { count: 5 }, { onEvent: ({ index }) => seen.push({ call: 'a', index }) }),
      client.call('count', { count: 3 }, { onEvent: ({ index }) => seen.push({ call: 'b', index }) }),
    ]);
    expect(a).toBe(5);
    expect(b).toBe(3);
    expect(seen.filter((event) => event.call === 'a').map((event) => event.index)).toEqual([0, 1, 2, 3, 4]);
    expect(seen.filter((event) => event.call === 'b').map((event) => event.index)).toEqual([0, 1, 2]);
  });

  it('cancels a pending call: the worker sees its signal abort and the call settles as the worker answers', async () => {
    const client = startFixture();
    let waiting!: () => void;
    const started = new Promise<void>((resolve) => (waiting = resolve));
    const call = client.start('untilCancelled', {}, { onEvent: () => waiting() });
    await started;
    call.cancel();
    await expect(call.result).resolves.toEqual({ ended: 'cancelled' });
  });

  it('cancels through an AbortSignal, and a worker that throws on cancel rejects with its code', async () => {
    const client = startFixture();
    const controller = new AbortController();
    const result = client.call('throwWhenCancelled', {}, { signal: controller.signal, onEvent: () => controller.abort() });
    const error: unknown = await result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkerCallError);
    expect((error as WorkerCallError).message).toBe('stopped on request');
    expect((error as WorkerCallError).code).toBe('cancelled');
  });

  it('a call whose signal is already aborted reaches the worker aborted', async () => {
    const client = startFixture();
    await expect(client.call('untilCancelled', {}, { signal: AbortSignal.abort() })).resolves.toEqual({ ended: 'cancelled' });
  });

  it('rejects with the worker’s error message and code, and keeps serving', async () => {
    const client = startFixture();
    const coded: unknown = await client.call('fail', { message: 'the file is not DICOM', code: 'invalid-input' }).catch((caught: unknown) => caught);
    expect(coded).toBeInstanceOf(WorkerCallError);
    expect((coded as WorkerCallError).message).toBe('the file is not DICOM');
    expect((coded as WorkerCallError).code).toBe('invalid-input');
    const plain: unknown = await client.call('fail', { message: 'plain failure' }).catch((caught: unknown) => caught);
    expect((plain as WorkerCallError).message).toBe('plain failure');
    expect((plain as WorkerCallError).code).toBeUndefined();
    await expect(client.call('echo', { value: 'still here', delayMs: 0 })).resolves.toMatchObject({ value: 'still here' });
  });

  it('answers a reply that cannot be cloned with an error instead of leaving the caller waiting', async () => {
    const client = startFixture();
    await expect(client.call('unclonable', {})).rejects.toThrow(/could not send its reply/);
  });

  it('transfers what the worker marks for transfer', async () => {
    const client = startFixture();
    const bytes = await client.call('bytes', { length: 1024 });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBe(1024);
    expect(bytes.every((value) => value === 7)).toBe(true);
    // Moved, not copied: the worker's view of the buffer is now empty.
    expect(await client.call('lastBytesLength', {})).toBe(0);
  });

  it('rejects every pending call with a clear error when the worker exits, and refuses calls after', async () => {
    const client = startFixture();
    const bystander = client.call('untilCancelled', {});
    const exiting = client.call('exit', { code: 3 });
    for (const result of [bystander, exiting]) {
      const error: unknown = await result.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WorkerStoppedError);
      expect((error as WorkerStoppedError).message).toBe('the fixture worker stopped (exit code 3)');
      expect((error as WorkerStoppedError).exitCode).toBe(3);
    }
    expect(await client.whenExited).toBe(3);
    expect(client.exited).toBe(true);
    expect(client.pendingCount).toBe(0);
    await expect(client.call('echo', { value: 'late', delayMs: 0 })).rejects.toThrow('the fixture worker stopped (exit code 3)');
  });

  it('rejects pending calls with the crash’s message when the worker throws outside a call', async () => {
    const client = startFixture();
    const pending = client.call('untilCancelled', {});
    const crashing = client.call('throwUncaught', { message: 'native heap corrupted' });
    for (const result of [pending, crashing]) {
      const error: unknown = await result.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WorkerStoppedError);
      expect((error as WorkerStoppedError).message).toBe('the fixture worker failed: native heap corrupted');
      expect((error as WorkerStoppedError).crash).toBe('native heap corrupted');
    }
  });

  it('rejects pending calls when the worker is terminated from outside', async () => {
    const client = startFixture();
    const pending = client.call('untilCancelled', {});
    await client.ready;
    await client.terminate();
    await expect(pending).rejects.toThrow(/^the fixture worker stopped \(exit code \d+\)$/);
  });

  it('lets a handler end the worker after its reply reaches the caller', async () => {
    const client = startFixture();
    await expect(client.call('goodbye', {})).resolves.toBe('bye');
    expect(await client.whenExited).toBe(0);
  });
});
