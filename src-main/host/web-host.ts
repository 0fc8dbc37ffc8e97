import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerMessage } from '../../src-shared/contract';
import type { Services } from '../services';
import { JoinCodes, joinRoute, originAllowed, parseRequestTarget, requestToken, sameToken, tokenCookieHeader, tokenHeader } from './access';
import { lookupCacheFile, lookupRendererFile, securityHeaders, type FileLookup } from './file-routes';
import { redactForBrowsers } from './import-redaction';
import { serveSocket } from './socket-session';
import { handleUpload, removeDeadUploadStaging, uploadRoute, UploadSlots, uploadStagingRoot } from './upload-route';

export interface WebHostOptions {
  services: Services;
  rendererDir: string;
  host?: string;
  port?: number;
  /** Fixed token for scripted use; a random one is made otherwise. */
  token?: string;
  /** Uploads received or importing at once; more are answered 503 (default 4). */
  maxConcurrentUploads?: number;
  /** Where malformed requests and failures are logged (default: stderr). */
  log?: (message: string) => void;
}

export interface WebHost {
  /** The link to open: a one-time join code, exchanged for the cookie on first use. */
  readonly url: string;
  readonly origin: string;
  /** For scripts, in the x-radstation-token header; never put it in a URL. */
  readonly token: string;
  readonly port: number;
  /** A further one-time join link, for another browser. */
  joinUrl(): string;
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

const needsTokenMessage =
  'Radstation: this address needs the access token. Open the join link printed when the host started (each link works once), or ask for a new one.';

/**
 * Wraps a server callback so nothing it throws reaches the event loop: an exception in
 * a request, upgrade or socket handler would otherwise end the process, and with it
 * every other client's session. `onFailure` answers the client as well as it still can.
 */
function guarded<Args extends unknown[]>(what: string, log: (message: string) => void, handler: (...args: Args) => void, onFailure: (...args: Args) => void): (...args: Args) => void {
  return (...args: Args) => {
    try {
      handler(...args);
    } catch (error) {
      log(`[radstation] web host: ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      try {
        onFailure(...args);
      } catch {
        // The connection is already gone; there is no one left to answer.
      }
    }
  };
}

function refuseUpgrade(socket: Duplex, status: 400 | 401 | 403 | 404, reason: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * Serves the renderer and the contract to browsers. Every request, the static files
 * included, needs the access token, so a student without the teacher's link sees nothing.
 * A browser joins with a one-time code from the printed link and then holds the token in
 * an HttpOnly cookie; scripts send the token in a header.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const log = options.log ?? ((message: string) => console.error(message));
  const { services } = options;
  const joinCodes = new JoinCodes();
  const uploadSlots = new UploadSlots(options.maxConcurrentUploads ?? 4);

  const answer = (response: http.ServerResponse, status: number, message: string, headers: http.OutgoingHttpHeaders = {}): void => {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.writeHead(status, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8', ...headers });
    response.end(message);
  };

  const send = (response: http.ServerResponse, lookup: FileLookup, headers: http.OutgoingHttpHeaders): void => {
    if (lookup.status !== 200) {
      answer(response, lookup.status, lookup.message, headers);
      return;
    }
    const stream = fs.createReadStream(lookup.filePath);
    stream.on('error', (error) => {
      log(`[radstation] web host: reading ${lookup.filePath} failed: ${error.message}`);
      if (!response.headersSent) answer(response, 500, 'The file could not be read.');
      else response.destroy();
    });
    const disposition = lookup.downloadName ? { 'content-disposition': `attachment; filename="${lookup.downloadName}"` } : {};
    response.writeHead(200, { ...securityHeaders, 'content-type': lookup.contentType, ...disposition, ...headers });
    stream.pipe(response);
  };

  const join = (request: http.IncomingMessage, response: http.ServerResponse, url: URL): void => {
    if (request.method === 'POST') {
      // Minting needs the header, not the cookie, so no page can make a browser mint one.
      const header = request.headers[tokenHeader];
      if (!sameToken(typeof header === 'string' ? header : undefined, token)) {
        answer(response, 401, 'New join links need the token in the x-radstation-token header.');
        return;
      }
      const code = joinCodes.issue();
      answer(response, 201, JSON.stringify({ code, path: `${joinRoute}?code=${code}` }), { 'content-type': 'application/json; charset=utf-8' });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      answer(response, 405, 'Open the join link with GET.', { allow: 'GET, HEAD, POST' });
      return;
    }
    if (request.method === 'HEAD') {
      // A link checker or preview asks HEAD: it must not spend the code meant for a browser.
      answer(response, 200, '');
      return;
    }
    const redeemed = joinCodes.redeem(url.searchParams.get('code'));
    if (!redeemed && sameToken(requestToken(request), token)) {
      // A browser that already joined reopens its link (a reload, the history): let it in as it is.
      answer(response, 303, 'Already joined.', { location: '/' });
      return;
    }
    if (!redeemed) {
      answer(response, 401, 'Radstation: this join link was already used or is not valid; each link works once. Ask whoever runs the host for a new one.');
      return;
    }
    // 303 to a clean address: the code leaves the address bar, and it is dead already.
    answer(response, 303, 'Joined.', { location: '/', 'set-cookie': tokenCookieHeader(token) });
  };

  const route = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const url = parseRequestTarget(request.url);
    if (url === undefined) {
      log(`[radstation] web host: refused a malformed request target from ${request.socket.remoteAddress ?? 'unknown'}`);
      answer(response, 400, 'Malformed request target.');
      return;
    }
    if (url.pathname === joinRoute) {
      join(request, response, url);
      return;
    }
    if (!sameToken(requestToken(request), token)) {
      answer(response, 401, needsTokenMessage);
      return;
    }
    if (url.pathname === uploadRoute) {
      handleUpload(request, response, { cacheDir: services.dirs.cacheDir, imports: services.imports, slots: uploadSlots, log });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      answer(response, 405, 'Only GET and HEAD are served here.', { allow: 'GET, HEAD' });
      return;
    }
    // Set on every authorised response, so a script's header also gives a browser the cookie.
    const headers = { 'set-cookie': tokenCookieHeader(token) };
    if (url.pathname.startsWith('/files/')) {
      const lookup = lookupCacheFile(
        url.pathname,
        (uid) => services.studies.resolveInstanceFile(uid),
        (exportId) => services.deidentify.exportFile(exportId),
      );
      send(response, lookup, headers);
      return;
    }
    send(response, lookupRendererFile(options.rendererDir, url.pathname), headers);
  };

  const server = http.createServer(guarded('a request', log, route, (_request, response) => answer(response, 500, 'The host could not answer this request.')));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Node's parser refused the bytes (bad method, header, chunking): answer 400 and move on.
    if (error.code !== 'ECONNRESET') log(`[radstation] web host: refused a malformed request: ${error.code ?? error.message}`);
    refuseUpgrade(socket, 400, 'Bad Request');
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  const upgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (error) => log(`[radstation] web host: upgrade socket: ${error.message}`));
    const url = parseRequestTarget(request.url);
    if (url === undefined) {
      log('[radstation] web host: refused an upgrade with a malformed request target');
      refuseUpgrade(socket, 400, 'Bad Request');
      return;
    }
    if (url.pathname !== '/ws') {
      refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    // A page from another origin must not drive the services, even if the browser sends our cookie.
    if (!originAllowed(request.headers.origin, request.headers.host)) {
      refuseUpgrade(socket, 403, 'Forbidden');
      return;
    }
    if (!sameToken(requestToken(request), token)) {
      refuseUpgrade(socket, 401, 'Unauthorized');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  };
  server.on('upgrade', guarded('an upgrade', log, upgrade, (_request, socket) => refuseUpgrade(socket, 400, 'Bad Request')));

  let clientCounter = 0;
  const clients = new Set<WebSocket>();
  sockets.on('connection', (ws: WebSocket) => {
    const client = `socket-${(clientCounter += 1)}`;
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    serveSocket(ws, { host: 'web', client, role: 'owner' }, services.handlers, log);
  });
  const uploadsDir = uploadStagingRoot(services.dirs.cacheDir);
  // A host killed mid-upload leaves its staging folder; nothing else would ever remove it.
  removeDeadUploadStaging(services.dirs.cacheDir);
  const unsubscribe = services.events.subscribe((name, payload) => {
    const message: ServerMessage = { type: 'event', name, payload: redactForBrowsers(name, payload, services.dirs.cacheDir, uploadsDir) };
    const text = JSON.stringify(message);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  server.on('error', (error) => log(`[radstation] web host: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const origin = `http://${urlHost}:${port}`;
  const joinUrl = (): string => `${origin}${joinRoute}?code=${joinCodes.issue()}`;
  return {
    url: joinUrl(),
    origin,
    token,
    port,
    joinUrl,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
