import fs from 'node:fs';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { securityHeaders, type FileLookup } from './file-routes';

/** A plain-text answer with the security headers every answer of a host carries. */
export function answer(response: http.ServerResponse, status: number, message: string, headers: http.OutgoingHttpHeaders = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(message);
}

/** What a host answers for a file: a lookup of a file on disk, or bytes rewritten for this client (a student's redacted copy). */
export type FileAnswer = FileLookup | { status: 200; body: Buffer; contentType: string } | { status: 403 | 410; message: string };

/** A found file is streamed (or, when the answer already holds its bytes, sent); anything else is answered as its lookup says. */
export function sendLookup(response: http.ServerResponse, lookup: FileAnswer, headers: http.OutgoingHttpHeaders, log: (message: string) => void): void {
  if (lookup.status !== 200) {
    answer(response, lookup.status, lookup.message, headers);
    return;
  }
  if ('body' in lookup) {
    response.writeHead(200, { ...securityHeaders, 'content-type': lookup.contentType, 'content-length': lookup.body.length, ...headers });
    response.end(lookup.body);
    return;
  }
  const stream = fs.createReadStream(lookup.filePath);
  stream.on('error', (error) => {
    log(`[radstation] web host: reading ${lookup.filePath} failed: ${error.message}`);
    if (!response.headersSent) answer(response, 500, 'The file could not be read.');
    else response.destroy();
  });
  response.writeHead(200, { ...securityHeaders, 'content-type': lookup.contentType, ...headers });
  stream.pipe(response);
}

/**
 * Wraps a server callback so nothing it throws reaches the event loop: an exception in
 * a request, upgrade or socket handler would otherwise end the process, and with it
 * every other client's session. `onFailure` answers the client as well as it still can.
 */
export function guarded<Args extends unknown[]>(what: string, log: (message: string) => void, handler: (...args: Args) => void, onFailure: (...args: Args) => void): (...args: Args) => void {
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

export function refuseUpgrade(socket: Duplex, status: 400 | 401 | 403 | 404 | 410, reason: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
