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
  it('binds to loopback and prints a one-time join link, which never carries the token', () => {
    const url = new URL(host.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe('/join');
    expect(url.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(host.url).not.toContain(host.token);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses every request without the token, static files included, and a token in the URL', async () => {
    for (const route of ['/', '/index.html', '/files/instances/1.2.3']) {
      expect((await fetch(`${origin}${route}`)).status).toBe(401);
    }
    expect((await fetch(`${origin}/`, { headers: { 'x-radstation-token': `wrong-${host.token}` } })).status).toBe(401);
    // A token in a URL lands in the browser's history: it opens nothing.
    expect((await fetch(`${origin}/?token=${host.token}`)).status).toBe(401);
  });

  it('exchanges the join code once for the HttpOnly cookie and redirects to an address without it', async () => {
    const joinUrl = host.joinUrl();
    // A HEAD (a link checker) neither joins nor spends the code.
    const head = await fetch(joinUrl, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(200);
    expect(head.headers.get('set-cookie')).toBeNull();
    const first = await fetch(joinUrl, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    expect(first.headers.get('content-security-policy')).toContain("default-src 'self'");
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = setCookie.split(';')[0] ?? '';
    const page = await fetch(`${origin}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('test renderer');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    // The browser that joined may reopen its link (a reload): it is let in without a new cookie.
    const reopened = await fetch(joinUrl, { redirect: 'manual', headers: { cookie } });
    expect(reopened.status).toBe(303);
    expect(reopened.headers.get('set-cookie')).toBeNull();
    // The code is dead once used: the same link, from history or another browser, opens nothing.
    const again = await fetch(joinUrl, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toContain('already used');
    expect((await fetch(`${origin}/join?code=made-up`, { redirect: 'manual' })).status).toBe(401);
  });

  it('mints further join links for a script with the token header, and for nobody else', async () => {
    expect((await fetch(`${origin}/join`, { method: 'POST' })).status).toBe(401);
    const minted = await fetch(`${origin}/join`, { method: 'POST', headers: { 'x-radstation-token': host.token } });
    expect(minted.status).toBe(201);
    const { path: joinPath } = (await minted.json()) as { path: string };
    expect(joinPath).toMatch(/^\/join\?code=/);
    expect((await fetch(`${origin}${joinPath}`, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(`${origin}${joinPath}`, { redirect: 'manual' })).status).toBe(401);
  });

  it('refuses a socket without the token, or from another origin', async () => {
    await expect(openSocket({})).rejects.toThrow('HTTP 401');
    await expect(openSocket({ 'x-radstation-token': host.token, origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openSocket({ 'x-radstation-token': host.token, origin: 'null' })).rejects.toThrow('HTTP 403');
  });

  it('answers contract calls over the socket, with validation errors as data', async () => {
    const ws = await openSocket({ 'x-radstation-token': host.token });
    const about = (await call(ws, 1, 'app.about', {})) as { ok: boolean; value: unknown };
    expect(about.ok).toBe(true);
    const parsed = aboutSchema.parse(about.value);
    expect(parsed).toMatchObject({ host: 'web', electronVersion: null, nodeVersion: process.versions.node });
    expect(await call(ws, 2, 'studies.list', {})).toEqual({ ok: true, value: { studies: [], total: 0 } });
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
