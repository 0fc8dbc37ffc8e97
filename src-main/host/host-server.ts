import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { events as contractEvents, type EventName, type Role, type ServerMessage } from '../../src-shared/contract';
import type { CallHandlers } from '../dispatch';
import type { EventBus } from '../events';
import { originAllowed, parseRequestTarget } from './access';
import { lookupRendererFile } from './file-routes';
import { FileTurns } from './file-turns';
import { answer, guarded, refuseUpgrade, sendLookup, type FileAnswer } from './http-answer';
import { serveSocket } from './socket-session';

/** Who a request or socket is, as the host's access policy decided it from its credential. */
export interface Principal {
  readonly role: Role;
  /** A classroom participant (students). */
  readonly participantId?: string;
  /** Names the credential, so a host can close every socket opened with one that was revoked. */
  readonly credential: string;
}

/**
 * How a host authenticates. The owner's web host maps its one token to the owner; a
 * classroom host maps a teacher link and each student's own token to their roles. The
 * decision is made here, in the main process, from the credential alone.
 */
export interface HostAccess {
  /** Routes open without a credential (join links, a classroom's name form); true when it answered. */
  publicRoute(request: http.IncomingMessage, response: http.ServerResponse, url: URL): boolean;
  principalOf(request: http.IncomingMessage): Principal | undefined;
  /** Whether a principal's credential still holds; checked again on every socket message. */
  holds(principal: Principal): boolean;
  /** Headers for every authorised answer (the cookie, so a script's header also gives a browser one). */
  authorisedHeaders(principal: Principal): http.OutgoingHttpHeaders;
  /** What a request without a valid credential is told. */
  refusal(request: http.IncomingMessage): { status: 401 | 410; message: string };
}

export interface HostServerOptions {
  readonly access: HostAccess;
  readonly handlers: CallHandlers;
  readonly events: EventBus;
  readonly rendererDir: string;
  /**
   * Answers GET /files/… for this principal: only what its store holds, rewritten if its role
   * needs it. It may answer later (a file read off the event loop); it runs in its turn, after
   * the socket messages that arrived with it (see FileTurns).
   */
  files(principal: Principal, requestPath: string): FileAnswer | Promise<FileAnswer>;
  /** POST /upload; a host without it refuses uploads outright. */
  upload?: (request: http.IncomingMessage, response: http.ServerResponse, principal: Principal) => void;
  /** Rewrites an event's payload for browser clients (an import's paths, say). */
  eventPayload?: (name: EventName, payload: unknown) => unknown;
  /** A host's own refusal of a call for a principal (why), beyond the contract's roles: answered `forbidden`. */
  refuseCall?: (callName: string, principal: Principal) => string | undefined;
  /** Told when a principal's socket opens or closes (a classroom's roster). */
  onSocket?: (principal: Principal, open: boolean) => void;
  readonly host: string;
  readonly port?: number;
  readonly log: (message: string) => void;
}

export interface HostServer {
  readonly origin: string;
  readonly port: number;
  /** Closes at once every socket whose principal matches (a removed student, an ended session). */
  disconnect(matches: (principal: Principal) => boolean, reason: string): void;
  close(): Promise<void>;
}

/** File answers per turn of the event loop: enough to keep throughput, few enough that a call waits only for these. */
const filesPerTurn = 8;

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * Serves the renderer and the contract to browsers, for whatever access policy it is given.
 * Every request, the static files included, needs a credential the policy accepts; calls
 * run with the role it decided, and each event goes only to sockets whose role the event's
 * contract entry lists.
 */
export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const { access, log } = options;
  const fileTurns = new FileTurns(filesPerTurn, (error) => log(`[radstation] web host: a file answer failed: ${String(error)}`));

  const answerFile = (response: http.ServerResponse, principal: Principal, requestPath: string, headers: http.OutgoingHttpHeaders): void => {
    // A client that gave up while the request waited for its turn is owed nothing.
    if (response.destroyed) return;
    const failed = (error: unknown): void => {
      log(`[radstation] web host: answering ${requestPath} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      answer(response, 500, 'The host could not answer this request.');
    };
    try {
      const found = options.files(principal, requestPath);
      if (found instanceof Promise) {
        found
          .then((lookup) => {
            if (!response.destroyed) sendLookup(response, lookup, headers, log);
          })
          .catch(failed);
      } else sendLookup(response, found, headers, log);
    } catch (error) {
      failed(error);
    }
  };

  const route = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const url = parseRequestTarget(request.url);
    if (url === undefined) {
      log(`[radstation] web host: refused a malformed request target from ${request.socket.remoteAddress ?? 'unknown'}`);
      answer(response, 400, 'Malformed request target.');
      return;
    }
    if (access.publicRoute(request, response, url)) return;
    const principal = access.principalOf(request);
    if (principal === undefined) {
      const refusal = access.refusal(request);
      answer(response, refusal.status, refusal.message);
      return;
    }
    if (url.pathname === '/upload') {
      if (options.upload) options.upload(request, response, principal);
      else answer(response, 403, 'This host takes no uploads.');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      answer(response, 405, 'Only GET and HEAD are served here.', { allow: 'GET, HEAD' });
      return;
    }
    const headers = access.authorisedHeaders(principal);
    if (url.pathname.startsWith('/files/')) {
      const requestPath = url.pathname;
      fileTurns.push(() => answerFile(response, principal, requestPath, headers));
      return;
    }
    sendLookup(response, lookupRendererFile(options.rendererDir, url.pathname), headers, log);
  };

  const server = http.createServer(guarded('a request', log, route, (_request, response) => answer(response, 500, 'The host could not answer this request.')));
  // Browsers on a classroom LAN keep their connections between slices. Node's 5 s keep-alive
  // closes idle ones so early that, on a busy host, a client's next request can meet the close
  // ("other side closed"); a minute (the common choice of proxies) leaves that race to idle clients.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
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
    const principal = access.principalOf(request);
    if (principal === undefined) {
      const refusal = access.refusal(request);
      refuseUpgrade(socket, refusal.status, refusal.status === 410 ? 'Gone' : 'Unauthorized');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, principal));
  };
  server.on('upgrade', guarded('an upgrade', log, upgrade, (_request, socket) => refuseUpgrade(socket, 400, 'Bad Request')));

  let clientCounter = 0;
  const clients = new Map<WebSocket, Principal>();
  sockets.on('connection', (ws: WebSocket, principal: Principal) => {
    const client = `socket-${(clientCounter += 1)}`;
    clients.set(ws, principal);
    ws.on('close', () => {
      clients.delete(ws);
      options.onSocket?.(principal, false);
    });
    const context = { host: 'web' as const, client, role: principal.role, ...(principal.participantId !== undefined ? { participantId: principal.participantId } : {}) };
    serveSocket(ws, context, options.handlers, log, {
      credentialHolds: () => access.holds(principal),
      refusal: (callName) => options.refuseCall?.(callName, principal),
    });
    options.onSocket?.(principal, true);
  });

  const unsubscribe = options.events.subscribe((name, payload) => {
    const allowed: readonly Role[] = contractEvents[name].roles;
    const message: ServerMessage = { type: 'event', name, payload: options.eventPayload ? options.eventPayload(name, payload) : payload };
    const text = JSON.stringify(message);
    for (const [ws, principal] of clients) {
      if (ws.readyState === ws.OPEN && allowed.includes(principal.role)) ws.send(text);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, () => resolve());
  });
  server.on('error', (error) => log(`[radstation] web host: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    origin: `http://${urlHost}:${port}`,
    port,
    disconnect: (matches, reason) => {
      for (const [ws, principal] of clients) {
        if (!matches(principal)) continue;
        clients.delete(ws);
        // 4401 tells the page why; terminate right after, so a client that never answers the close is cut too.
        if (ws.readyState === ws.OPEN) ws.close(4401, reason.slice(0, 120));
        setTimeout(() => ws.terminate(), 200).unref();
      }
    },
    close: async () => {
      unsubscribe();
      for (const ws of clients.keys()) ws.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
