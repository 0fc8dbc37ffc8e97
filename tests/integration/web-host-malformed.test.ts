import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { createServices, type Services } from '../../src-main/services';
import { makeTempDir } from '../helpers/temp-dir';
import { stubRendererDir } from '../helpers/stub-renderer';

/**
 * What an attacker on the same network sends before (and just after) authenticating:
 * raw bytes over TCP, because fetch() and ws would clean them up first. Each must get an
 * answer or a closed connection, never the end of the process, and the host must go on
 * serving its real clients afterwards.
 */
const temp = makeTempDir();
let services: Services;
let host: WebHost;
const logged: string[] = [];

beforeAll(async () => {
  const rendererDir = stubRendererDir(temp.dir);
  services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache'), userDataDir: path.join(temp.dir, 'user') });
  host = await startWebHost({ services, rendererDir, log: (line) => logged.push(line) });
});

afterAll(async () => {
  await host.close();
  await services.close();
  temp.cleanup();
});

interface RawPlan {
  /** Bytes to send; the exchange ends when the host closes, or after a short wait. */
  send: string;
  /** After sending: 'wait' for the answer, 'half-close' our side, or 'destroy' at once. */
  then?: 'wait' | 'half-close' | 'destroy';
}

function rawExchange(plan: RawPlan): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(host.port, '127.0.0.1');
    let received = '';
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(finish, 1500);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', finish);
    socket.on('connect', () => {
      if (plan.send.length > 0) socket.write(plan.send);
      if (plan.then === 'half-close') socket.end();
      if (plan.then === 'destroy') finish();
    });
  });
}

function statusOf(response: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(response);
  return match ? Number(match[1]) : undefined;
}

const key = 'dGhlIHNhbXBsZSBub25jZQ==';
const upgrade = (target: string, extra: string): string =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n${extra}\r\n`;

describe('the web host under malformed input', () => {
  it('answers every malformed request and upgrade without ending, then still serves', async () => {
    const auth = `X-Radstation-Token: ${host.token}\r\n`;
    // [what is sent, the statuses it may get; undefined: the host may just close]
    const cases: Array<[string, RawPlan, number[] | undefined]> = [
      ['a target URL cannot parse', { send: 'GET //[bad HTTP/1.1\r\nHost: x\r\n\r\n' }, [400]],
      ['a target URL cannot parse, with the token', { send: `GET //[bad HTTP/1.1\r\nHost: x\r\n${auth}\r\n` }, [400]],
      ['an absolute target with a broken IPv6 host', { send: 'GET http://[::1/ HTTP/1.1\r\nHost: x\r\n\r\n' }, [400]],
      ['malformed percent-encoding', { send: `GET /%zz%E0%A4%A HTTP/1.1\r\nHost: x\r\n${auth}\r\n` }, [400]],
      ['an unknown method', { send: 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n' }, [400]],
      ['DELETE with the token', { send: `DELETE / HTTP/1.1\r\nHost: x\r\n${auth}\r\n` }, [405]],
      ['a header line without a colon', { send: 'GET / HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n' }, [400]],
      ['a header of 64 KiB', { send: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(65536)}\r\n\r\n` }, [400, 431]],
      ['an unknown HTTP version', { send: 'GET / HTTP/7.0\r\nHost: x\r\n\r\n' }, [400, 505]],
      ['CONNECT', { send: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n' }, undefined],
      ['a cookie with a broken token', { send: 'GET / HTTP/1.1\r\nHost: x\r\nCookie: radstation_token=%; other\r\n\r\n' }, [401]],
      ['the token header twice', { send: `GET / HTTP/1.1\r\nHost: x\r\n${auth}${auth}\r\n` }, [401]],
      ['a token in the query, which is no longer accepted', { send: `GET /?token=${host.token} HTTP/1.1\r\nHost: x\r\n\r\n` }, [401]],
      ['a chunked body with a bad chunk size', { send: `POST /upload HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/dicom\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n` }, [400]],
      ['upgrade, Origin: null, no token', { send: upgrade('/ws', 'Origin: null\r\n') }, [403]],
      ['upgrade, Origin: null, with the token', { send: upgrade('/ws', `Origin: null\r\n${auth}`) }, [403]],
      ['upgrade, an empty Origin', { send: upgrade('/ws', `Origin: \r\n${auth}`) }, [403]],
      ['upgrade, an Origin with a broken host', { send: upgrade('/ws', `Origin: http://[bad\r\n${auth}`) }, [403]],
      ['upgrade, a target URL cannot parse', { send: upgrade('//[bad', auth) }, [400]],
      ['upgrade, another path', { send: upgrade('/not-ws', auth) }, [404]],
      ['upgrade, with the token but no key', { send: `GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n${auth}\r\n` }, [400]],
      ['upgrade, with the token, an unsupported version', { send: upgrade('/ws', auth).replace('Version: 13', 'Version: 99') }, [400, 426]],
      ['half a request, then our side closed', { send: 'GET / HTTP/1.1\r\nHost:', then: 'half-close' }, undefined],
      ['an upgrade, then gone at once', { send: upgrade('/ws', auth), then: 'destroy' }, undefined],
      ['an upload announcing 1 MB, sending 10 bytes, then gone', { send: `POST /upload HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/dicom\r\nContent-Length: 1000000\r\n\r\n0123456789`, then: 'destroy' }, undefined],
      ['a connection that sends nothing and closes', { send: '', then: 'half-close' }, undefined],
    ];
    const answers = await Promise.all(cases.map(([, plan]) => rawExchange(plan)));
    cases.forEach(([label, , statuses], index) => {
      if (statuses !== undefined) expect(statuses, `${label}: ${answers[index]!.slice(0, 80)}`).toContain(statusOf(answers[index]!));
    });
    expect(logged.some((line) => line.includes('malformed request target'))).toBe(true);

    const page = await fetch(`${host.origin}/index.html`, { headers: { 'x-radstation-token': host.token } });
    expect(page.status).toBe(200);
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/ws`, { headers: { 'x-radstation-token': host.token } });
    const reply = await new Promise<unknown>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'call', id: 1, name: 'app.ping', payload: { sentAt: 5 } })));
      ws.once('message', (data) => resolve(JSON.parse(data.toString())));
    });
    expect(reply).toMatchObject({ type: 'result', id: 1, result: { ok: true, value: { sentAt: 5 } } });
    ws.close();
  });

  it('gives a socket client an error envelope for a reply that cannot be serialised, and lives', async () => {
    let depth: unknown = 'bottom';
    for (let level = 0; level < 1_200; level += 1) depth = { items: [depth] };
    const original = services.handlers['app.ping'];
    services.handlers['app.ping'] = (() => ({ sentAt: 1, answeredAt: depth })) as unknown as typeof original;
    try {
      const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/ws`, { headers: { 'x-radstation-token': host.token } });
      const replies: unknown[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.once('error', reject);
        ws.once('open', () => {
          for (let id = 1; id <= 3; id += 1) ws.send(JSON.stringify({ type: 'call', id, name: 'app.ping', payload: { sentAt: 1 } }));
        });
        ws.on('message', (data) => {
          replies.push(JSON.parse(data.toString()));
          if (replies.length === 3) resolve();
        });
      });
      for (const reply of replies) {
        expect(reply).toMatchObject({ type: 'result', result: { ok: false, error: { code: 'internal', message: expect.stringContaining('could not be sent') } } });
      }
      ws.close();
    } finally {
      services.handlers['app.ping'] = original;
    }
    expect((await fetch(`${host.origin}/index.html`, { headers: { 'x-radstation-token': host.token } })).status).toBe(200);
  });
});
