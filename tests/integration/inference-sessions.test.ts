import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionCache } from '../../src-main/inference/worker/session-cache';
import { makeTempDir } from '../helpers/temp-dir';
import { makeUpsampleBundle, pythonFixtureProblem } from '../helpers/inference/fixtures';

// Real onnxruntime sessions, opened on this thread: the cache's policy is what is under test.
const problem = pythonFixtureProblem();
if (problem) console.warn(`inference-sessions tests skipped: ${problem}`);

describe.skipIf(problem !== undefined)('session cache', () => {
  const temp = makeTempDir('radstation-sessions-');
  const graphs: string[] = [];

  beforeAll(() => {
    makeUpsampleBundle(temp.dir);
    for (const name of ['a', 'b', 'c']) {
      const copy = path.join(temp.dir, `${name}.onnx`);
      fs.copyFileSync(path.join(temp.dir, 'upsample.onnx'), copy);
      graphs.push(copy);
    }
  });

  afterAll(() => temp.cleanup());

  it('keeps at most maxSessions open, releasing the least recently used', async () => {
    const cache = new SessionCache({ maxSessions: 2, lowMemoryBytes: 0 });
    const first = await cache.acquire(graphs[0]!, 'cpu');
    await cache.acquire(graphs[1]!, 'cpu');
    expect((await cache.acquire(graphs[0]!, 'cpu')).session).toBe(first.session);
    await cache.acquire(graphs[2]!, 'cpu');
    expect(cache.size).toBe(2);
    // graphs[1] was the least recently used, so it was released; graphs[0] is still the same session.
    expect((await cache.acquire(graphs[0]!, 'cpu')).session).toBe(first.session);
    await cache.releaseAll();
    expect(cache.size).toBe(0);
  });

  it('under memory pressure keeps only the session in use', async () => {
    const cache = new SessionCache({ maxSessions: 10, lowMemoryBytes: Number.MAX_SAFE_INTEGER });
    for (const graph of graphs) await cache.acquire(graph, 'cpu');
    expect(cache.size).toBe(1);
    await cache.releaseAll();
  });

  it('releases idle sessions when memory runs short after they opened, at the next use', async () => {
    // The machine's free memory cannot be made to drop on demand here, so the test supplies the
    // reading the cache sees: plenty while three sessions open, then short.
    let freeBytes = 8 * 1024 ** 3;
    const cache = new SessionCache({ maxSessions: 10, lowMemoryBytes: 512 * 1024 ** 2 }, () => freeBytes);
    const opened = [];
    for (const graph of graphs) opened.push(await cache.acquire(graph, 'cpu'));
    expect(cache.size).toBe(3);
    freeBytes = 100 * 1024 ** 2;
    const inUse = await cache.acquire(graphs[1]!, 'cpu');
    expect(inUse.session).toBe(opened[1]!.session);
    expect(cache.size).toBe(1);
    // With memory back, the released graphs open again as new sessions.
    freeBytes = 8 * 1024 ** 3;
    expect((await cache.acquire(graphs[0]!, 'cpu')).session).not.toBe(opened[0]!.session);
    expect(cache.size).toBe(2);
    await cache.releaseAll();
  });

  it('remembers a provider that failed for a graph and reports it as a fallback each time', async () => {
    const cache = new SessionCache({ maxSessions: 2, lowMemoryBytes: 0 });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const acquired = await cache.acquire(graphs[0]!, 'dml');
      expect(acquired.provider).toBe('cpu');
      expect(acquired.fallbacks.map((fallback) => fallback.provider)).toEqual(['dml']);
    }
    await cache.releaseAll();
  });

  it('says which providers failed when none can open the graph', async () => {
    const cache = new SessionCache({ maxSessions: 2, lowMemoryBytes: 0 });
    const broken = path.join(temp.dir, 'broken.onnx');
    fs.writeFileSync(broken, 'not a graph');
    await expect(cache.acquire(broken, 'cpu')).rejects.toThrow(/no execution provider could open .*broken\.onnx: cpu: /);
  });
});
