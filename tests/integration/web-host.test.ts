import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aboutSchema } from '../../src-shared/contract';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { createServices, type Services } from '../../src-main/services';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
let services: Services;
let host: WebHost;
let origin: string;

beforeAll(async () => {
  const rendererDir = path.join(temp.dir, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>test renderer</title>');
  services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache'), userDataDir: path.join(temp.dir, 'user') });
  host = await startWebHost({ services, rendererDir });
  origin = new URL(host.url).origin;
});

afterAll(async () => {
  await host.close();
  await services.close();
  temp.cleanup();
});

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, name: string, payload: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { type: string; id: number; result: unknown };
      if (message.type === 'result' && message.id === id) {
        ws.off('message', onMessage);
        resolve(message.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'call', id, name, payload }));
  });
}

describe('web host', () => {
  it('binds to loopback and prints a URL with the token', () => {
    expect(new URL(host.url).hostname).toBe('127.0.0.1');
    expect(new URL(host.url).searchParams.get('token')).toBe(host.token);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses every request without the token, static files included', async () => {
    for (const route of ['/', '/index.html', '/files/instances/1.2.3']) {
      expect((await fetch(`${origin}${route}`)).status).toBe(401);
    }
    expect((await fetch(`${origin}/?token=wrong-${host.token}`)).status).toBe(401);
  });

  it('serves the renderer with the token, and sets a cookie so later requests need no query', async () => {
    const first = await fetch(host.url);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('test renderer');
    expect(first.headers.get('content-security-policy')).toContain("default-src 'self'");
    const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect((await fetch(`${origin}/index.html`, { headers: { cookie } })).status).toBe(200);
  });

  it('refuses a socket without the token, or from another origin', async () => {
    await expect(openSocket({})).rejects.toThrow('HTTP 401');
    await expect(openSocket({ 'x-radstation-token': host.token, origin: 'http://evil.example' })).rejects.toThrow('HTTP 401');
  });

  it('answers contract calls over the socket, with validation errors as data', async () => {
    const ws = await openSocket({ 'x-radstation-token': host.token });
    const about = (await call(ws, 1, 'app.about', {})) as { ok: boolean; value: unknown };
    expect(about.ok).toBe(true);
    const parsed = aboutSchema.parse(about.value);
    expect(parsed).toMatchObject({ host: 'web', electronVersion: null, nodeVersion: process.versions.node });
    expect(await call(ws, 2, 'studies.list', {})).toEqual({ ok: true, value: { studies: [] } });
    expect(await call(ws, 3, 'studies.list', { limit: -1 })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    ws.close();
  });

  it('closes a socket that sends something other than a contract message, and keeps serving others', async () => {
    for (const garbage of ['not json', JSON.stringify({ type: 'call', id: -1, name: 'app.about', payload: {} }), JSON.stringify({ hello: 'world' })]) {
      const ws = await openSocket({ 'x-radstation-token': host.token });
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send(garbage);
      expect(await closed).toBe(1003);
    }
    const ws = await openSocket({ 'x-radstation-token': host.token });
    expect(await call(ws, 4, 'app.ping', { sentAt: 1 })).toMatchObject({ ok: true, value: { sentAt: 1 } });
    expect(await call(ws, 5, 'app.shutdown', {})).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    ws.close();
  });

  it('pushes service events to connected sockets', async () => {
    const ws = await openSocket({ 'x-radstation-token': host.token });
    const received = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
    services.events.emit('studies.changed', { studyInstanceUids: ['1.2.3'] });
    expect(await received).toEqual({ type: 'event', name: 'studies.changed', payload: { studyInstanceUids: ['1.2.3'] } });
    ws.close();
  });
});
