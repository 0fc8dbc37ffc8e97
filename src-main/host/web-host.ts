import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientMessageSchema, type ServerMessage } from '../../src-shared/contract';
import { dispatch } from '../dispatch';
import type { Services } from '../services';
import { contentSecurityPolicy, lookupCacheFile, lookupRendererFile, type FileLookup } from './file-routes';
import { handleUpload, uploadRoute } from './upload-route';

export interface WebHostOptions {
  services: Services;
  rendererDir: string;
  host?: string;
  port?: number;
  /** Fixed token for scripted use; a random one is made otherwise. */
  token?: string;
}

export interface WebHost {
  readonly url: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

const tokenCookie = 'radstation_token';

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** The token may come in the URL (first visit), a cookie (later requests) or a header (scripts). */
function requestToken(request: http.IncomingMessage, url: URL): string | undefined {
  return url.searchParams.get('token') ?? (request.headers['x-radstation-token'] as string | undefined) ?? cookieValue(request.headers.cookie, tokenCookie);
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * Serves the renderer and the contract to browsers. Every request, the static files
 * included, needs the access token, so a student without the teacher's URL sees nothing.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const { services } = options;

  const send = (response: http.ServerResponse, lookup: FileLookup, headers: http.OutgoingHttpHeaders = {}): void => {
    if (lookup.status !== 200) {
      response.writeHead(lookup.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      response.end(lookup.message);
      return;
    }
    const stream = fs.createReadStream(lookup.filePath);
    stream.on('error', () => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
    response.writeHead(200, { 'content-type': lookup.contentType, ...headers });
    stream.pipe(response);
  };

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host.invalid');
    const baseHeaders = {
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (!sameToken(requestToken(request, url), token)) {
      response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', ...baseHeaders });
      response.end('Radstation: this address needs the access token printed when the host started.');
      return;
    }
    if (url.pathname === uploadRoute) {
      handleUpload(request, response, { cacheDir: services.dirs.cacheDir, imports: services.imports });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, baseHeaders);
      response.end();
      return;
    }
    // Set on every authorised response, so the tokenless asset and socket requests that follow are recognised.
    const headers = { ...baseHeaders, 'set-cookie': `${tokenCookie}=${token}; HttpOnly; SameSite=Strict; Path=/` };
    if (url.pathname.startsWith('/files/')) {
      send(response, lookupCacheFile(url.pathname, (uid) => services.studies.resolveInstanceFile(uid)), headers);
      return;
    }
    send(response, lookupRendererFile(options.rendererDir, url.pathname), headers);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://host.invalid');
    const origin = request.headers.origin;
    // A page from another origin must not drive the services, even if the browser sends our cookie.
    const originAllowed = origin === undefined || new URL(origin).host === request.headers.host;
    if (url.pathname !== '/ws' || !originAllowed || !sameToken(requestToken(request, url), token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  let clientCounter = 0;
  const clients = new Set<WebSocket>();
  sockets.on('connection', (ws: WebSocket) => {
    const client = `socket-${(clientCounter += 1)}`;
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data) => {
      let message;
      try {
        message = clientMessageSchema.safeParse(JSON.parse(data.toString()));
      } catch {
        message = undefined;
      }
      if (!message?.success) {
        ws.close(1003, 'Malformed message');
        return;
      }
      const { id, name, payload } = message.data;
      void dispatch(services.handlers, name, payload, { host: 'web', client }).then((result) => {
        const reply: ServerMessage = { type: 'result', id, result };
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
      });
    });
  });
  const unsubscribe = services.events.subscribe((name, payload) => {
    const text = JSON.stringify({ type: 'event', name, payload } satisfies ServerMessage);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    token,
    port,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
