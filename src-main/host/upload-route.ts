import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { ImportService } from '../studies/import/import-service';
import { diskShortfallReason } from '../studies/store/free-disk';

/** Where a browser on another machine (a student's) sends a file or a zip to import. */
export const uploadRoute = '/upload';

export interface UploadOptions {
  readonly cacheDir: string;
  readonly imports: ImportService;
  /** Largest body accepted; bigger uploads are refused with 413 and nothing is kept. */
  readonly maxBytes?: number;
}

const acceptedTypes = new Set(['application/octet-stream', 'application/dicom', 'application/zip', 'application/x-zip-compressed']);
const defaultMaxBytes = 2 * 1024 * 1024 * 1024;

function reply(response: http.ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** Only a plain file name survives: no folders, no dot-files, nothing a shell or a file system could misread. */
export function safeUploadName(header: string | string[] | undefined): string {
  let name = typeof header === 'string' ? header : '';
  try {
    name = decodeURIComponent(name);
  } catch {
    name = '';
  }
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 120);
  return cleaned.length > 0 ? cleaned : 'upload.dcm';
}

/**
 * POST /upload with the file (one DICOM file or a zip) as the raw body. The host has
 * already checked the access token. A custom content type is required, which a page on
 * another site cannot send without the browser asking first, so the token cookie alone
 * cannot be used to push files. The body is staged under the cache, imported by copy,
 * and the staged copy removed when the import ends.
 */
export function handleUpload(request: http.IncomingMessage, response: http.ServerResponse, options: UploadOptions): void {
  if (request.method !== 'POST') {
    reply(response, 405, { error: 'Upload with POST.' });
    return;
  }
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!acceptedTypes.has(contentType)) {
    reply(response, 415, { error: `Send the file as ${[...acceptedTypes].join(' or ')}.` });
    return;
  }
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    reply(response, 413, { error: `The upload is larger than ${maxBytes} bytes.` });
    request.resume();
    return;
  }
  // Staged, then copied into the store: room for the body twice, checked before writing.
  const shortfall = diskShortfallReason(options.cacheDir, 2 * (Number.isFinite(declared) ? declared : 0));
  if (shortfall !== undefined) {
    reply(response, 507, { error: shortfall });
    request.resume();
    return;
  }
  const stagingDir = path.join(options.cacheDir, 'uploads', randomUUID());
  const stagedFile = path.join(stagingDir, safeUploadName(request.headers['x-radstation-filename']));
  const discard = () => fs.rmSync(stagingDir, { recursive: true, force: true });
  fs.mkdirSync(stagingDir, { recursive: true });
  const out = fs.createWriteStream(stagedFile, { flags: 'wx' });
  let received = 0;
  let refused = false;
  request.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes && !refused) {
      refused = true;
      request.unpipe(out);
      out.destroy();
      discard();
      reply(response, 413, { error: `The upload is larger than ${maxBytes} bytes.` });
      request.resume();
    }
  });
  request.pipe(out);
  const fail = () => {
    if (refused) return;
    refused = true;
    discard();
    if (!response.headersSent) reply(response, 400, { error: 'The upload was interrupted.' });
  };
  request.on('aborted', fail);
  out.on('error', fail);
  out.on('finish', () => {
    if (refused) return;
    try {
      const { importId } = options.imports.start({ paths: [stagedFile], mode: 'copy' });
      void options.imports.whenFinished(importId)?.finally(discard);
      reply(response, 202, { importId });
    } catch (error) {
      discard();
      reply(response, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  });
}
