import http from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../src-shared/contract';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { createServices, type Services } from '../../src-main/services';
import { makeTempDir } from '../helpers/temp-dir';
import { seededRandom } from '../../bench/fuzz-import/mutants';
import { stubRendererDir } from '../helpers/stub-renderer';

/**
 * A bounded fuzz of the web host from a client that holds the token: random HTTP
 * requests and random socket messages from a fixed seed, in batches, and after each
 * batch the host must still serve a page and answer a call. The cache is empty and no
 * models are loaded, so calls fail fast; what is fuzzed is the host's and the
 * dispatcher's handling of what arrives, not the services' work.
 */
const seed = 0x16_2026;
const batches = 6;
const requestsPerBatch = 30;
const messagesPerBatch = 40;

const random = seededRandom(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const integer = (below: number): number => Math.floor(random() * below);

function randomText(maxLength: number): string {
  const alphabet = ['a', 'Z', '0', '.', '/', '\\', '%', '\u0000', '\u001f', '\n', '"', "'", '<', 'é', '\u202e', '😀', '*', '?', '[', ']'];
  return Array.from({ length: integer(maxLength) }, () => pick(alphabet)).join('');
}

function randomJson(depth = 0): unknown {
  const kind = integer(depth > 3 ? 6 : 9);
  switch (kind) {
    case 0: return null;
    case 1: return random() < 0.5;
    case 2: return pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), Number.MAX_VALUE, 1e-320]);
    case 3: return randomText(40);
    case 4: return pick(['1.2.3', '', 'CT', '20240101', 'studyDate', 'copy', 'link', 'x'.repeat(5000)]);
    case 5: {
      // Deeply nested, the shape that once overflowed the stack.
      let value: unknown = 'deep';
      for (let level = integer(3000); level > 0; level -= 1) value = random() < 0.5 ? [value] : { items: value };
      return value;
    }
    case 6: return Array.from({ length: integer(5) }, () => randomJson(depth + 1));
    default: {
      const keys = ['sentAt', 'search', 'limit', 'offset', 'modality', 'from', 'to', 'sortBy', 'studyInstanceUid', 'seriesInstanceUid', 'sopInstanceUid', 'paths', 'importId', '__proto__', 'constructor'];
      return Object.fromEntries(Array.from({ length: integer(5) }, () => [pick(keys), randomJson(depth + 1)]));
    }
  }
}

/** Calls that would start real work (a model, an import) if a random payload happened to be valid. */
const heavyCalls = new Set(['inference.run', 'inference.warmUp', 'inference.preview', 'inference.askClosed', 'vlm.ask', 'reports.exportPdf', 'reports.exportSr']);
const callNames = Object.keys(calls).filter((name) => !heavyCalls.has(name));

function randomMessage(): string | Buffer {
  switch (integer(8)) {
    case 0: return Buffer.from(Array.from({ length: integer(64) }, () => integer(256)));
    case 1: return randomText(80);
    case 2: return JSON.stringify({ type: 'call', id: pick([-1, 1.5, 'x', null]), name: pick(callNames), payload: {} });
    case 3: return JSON.stringify({ type: 'call', id: integer(1000), name: randomText(30), payload: randomJson() });
    default: return JSON.stringify({ type: 'call', id: integer(1000), name: pick(callNames), payload: randomJson() });
  }
}

const temp = makeTempDir();
let services: Services;
let host: WebHost;
const logged: string[] = [];

beforeAll(async () => {
  const rendererDir = stubRendererDir(temp.dir);
  services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache'), userDataDir: path.join(temp.dir, 'user'), modelDirs: [path.join(temp.dir, 'no-models')] });
  host = await startWebHost({ services, rendererDir, log: (line) => logged.push(line) });
});

afterAll(async () => {
  await host.close();
  await services.close();
  temp.cleanup();
});

function randomRequest(statuses: Map<number, number>): Promise<void> {
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND'];
  const paths = ['/', '/index.html', '/files/instances/1.2.3', '/files/instances/', '/files/', '/upload', '/join', '/join?code=', '/ws', '/..%2f..%2fetc/passwd', '/%00', '/%E0%A4%A', '//[x', '/*'];
  const requestPath = random() < 0.7 ? pick(paths) : `/${encodeURIComponent(randomText(60))}${random() < 0.3 ? `?${encodeURIComponent(randomText(20))}` : ''}`;
  const headers: Record<string, string> = { 'x-radstation-token': host.token };
  if (random() < 0.5) headers['content-type'] = pick(['application/dicom', 'application/zip', 'text/plain', 'application/octet-stream', '', 'multipart/form-data; boundary=x']);
  if (random() < 0.3) headers['x-radstation-filename'] = encodeURIComponent(randomText(40));
  if (random() < 0.2) headers.origin = pick(['null', 'http://evil.example', '', 'http://[bad']);
  const body = random() < 0.4 ? Buffer.from(Array.from({ length: integer(2048) }, () => integer(256))) : undefined;
  return new Promise((resolve) => {
    const request = http.request({ host: '127.0.0.1', port: host.port, method: pick(methods), path: requestPath, headers }, (response) => {
      statuses.set(response.statusCode ?? 0, (statuses.get(response.statusCode ?? 0) ?? 0) + 1);
      response.resume();
      response.on('end', () => resolve());
      response.on('error', () => resolve());
    });
    request.on('error', () => {
      statuses.set(-1, (statuses.get(-1) ?? 0) + 1);
      resolve();
    });
    request.end(body);
  });
}

function openSocket(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/ws`, { headers: { 'x-radstation-token': host.token } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function stillServes(): Promise<void> {
  expect((await fetch(`${host.origin}/index.html`, { headers: { 'x-radstation-token': host.token } })).status).toBe(200);
  const ws = await openSocket();
  const reply = await new Promise<unknown>((resolve) => {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; id?: number };
      if (message.type === 'result' && message.id === 424242) resolve(message);
    });
    ws.send(JSON.stringify({ type: 'call', id: 424242, name: 'app.ping', payload: { sentAt: 9 } }));
  });
  expect(reply).toMatchObject({ result: { ok: true, value: { sentAt: 9 } } });
  ws.close();
}

describe('web host fuzz (fixed seed)', () => {
  it(`survives ${batches} batches of random requests and socket messages from a token holder`, async () => {
    const statuses = new Map<number, number>();
    const replies = new Map<string, number>();
    let messages = 0;
    let closes = 0;
    for (let batch = 0; batch < batches; batch += 1) {
      await Promise.all(Array.from({ length: requestsPerBatch }, () => randomRequest(statuses)));
      let ws = await openSocket();
      for (let sent = 0; sent < messagesPerBatch; sent += 1) {
        if (ws.readyState !== ws.OPEN) {
          closes += 1;
          ws = await openSocket();
        }
        const answered = new Promise<void>((resolve) => {
          const done = (data?: WebSocket.RawData): void => {
            if (data) {
              const message = JSON.parse(data.toString()) as { type: string; result?: { ok: boolean; error?: { code: string } } };
              if (message.type !== 'result') return;
              const key = message.result?.ok ? 'ok' : (message.result?.error?.code ?? 'unknown');
              replies.set(key, (replies.get(key) ?? 0) + 1);
            }
            ws.off('message', done);
            ws.off('close', onClose);
            resolve();
          };
          const onClose = (): void => done();
          ws.on('message', done);
          ws.once('close', onClose);
        });
        ws.send(randomMessage());
        messages += 1;
        await answered;
      }
      ws.close();
      await stillServes();
    }
    const requests = batches * requestsPerBatch;
    console.log(
      `host fuzz (seed ${seed}): ${requests} HTTP requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; ` +
        `${messages} socket messages, replies ${JSON.stringify(Object.fromEntries(replies))}, ${closes} sockets closed for malformed messages; ${batches} batches, host answered after each`,
    );
    // No request may end in the host's last-resort 500: that is an exception a route let escape.
    expect(statuses.get(500) ?? 0).toBe(0);
    expect([...statuses.values()].reduce((sum, count) => sum + count, 0)).toBe(requests);
  });
});
