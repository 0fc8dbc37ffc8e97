import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { ImportService } from '../studies/import/import-service';
import { removeEntriesOfDeadProcesses } from '../studies/store/file-store';
import { diskShortfallReason } from '../studies/store/free-disk';
import { securityHeaders } from './file-routes';

/** Where a browser on another machine (a student's) sends a file or a zip to import. */
export const uploadRoute = '/upload';

/** Where uploads are staged before their import copies them into the store. */
export function uploadStagingRoot(cacheDir: string): string {
  return path.join(cacheDir, 'uploads');
}

const uploadOwner = /^(\d+)-/;

/** A new folder name for one upload, carrying the receiving process's id so that a later host can tell a killed host's leftovers. */
export function newUploadStagingFolder(cacheDir: string): string {
  return path.join(uploadStagingRoot(cacheDir), `${process.pid}-${randomUUID()}`);
}

/** Removes the staging folders of uploads whose receiving process has died (a host killed mid-upload). */
export function removeDeadUploadStaging(cacheDir: string): number {
  return removeEntriesOfDeadProcesses(uploadStagingRoot(cacheDir), (name) => {
    const match = uploadOwner.exec(name);
    return match ? Number(match[1]) : undefined;
  });
}

/**
 * How many uploads a host takes at once, from the first byte until their import ends.
 * Each holds a staged file and an import's working memory, so beyond the bound a client
 * is told to come back rather than the host taking on work it cannot bound.
 */
export class UploadSlots {
  private active = 0;

  constructor(readonly max: number) {}

  /** A release function (safe to call twice), or undefined when every slot is taken. */
  take(): (() => void) | undefined {
    if (this.active >= this.max) return undefined;
    this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
    };
  }
}

export interface UploadOptions {
  readonly cacheDir: string;
  readonly imports: ImportService;
  readonly slots: UploadSlots;
  /** Largest body accepted; bigger uploads are refused with 413 and nothing is kept. */
  readonly maxBytes?: number;
  readonly log: (message: string) => void;
}

const acceptedTypes = new Set(['application/octet-stream', 'application/dicom', 'application/zip', 'application/x-zip-compressed']);
const defaultMaxBytes = 2 * 1024 * 1024 * 1024;

function reply(response: http.ServerResponse, status: number, body: object, headers: http.OutgoingHttpHeaders = {}): void {
  if (response.headersSent) return;
  response.writeHead(status, { ...securityHeaders, 'content-type': 'application/json; charset=utf-8', ...headers });
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
    reply(response, 405, { error: 'Upload with POST.' }, { allow: 'POST' });
    request.resume();
    return;
  }
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!acceptedTypes.has(contentType)) {
    reply(response, 415, { error: `Send the file as ${[...acceptedTypes].join(' or ')}.` });
    request.resume();
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
  const release = options.slots.take();
  if (release === undefined) {
    reply(response, 503, { error: `The host is already receiving ${options.slots.max} uploads; send this one again when one of them has finished importing.` }, { 'retry-after': '10' });
    request.resume();
    return;
  }
  const stagingDir = newUploadStagingFolder(options.cacheDir);
  const stagedFile = path.join(stagingDir, safeUploadName(request.headers['x-radstation-filename']));
  // Runs from stream and timer callbacks, where a throw would end the process: log instead.
  const discard = (): void => {
    release();
    try {
      fs.rmSync(stagingDir, { recursive: true, force: true });
    } catch (error) {
      options.log(`[radstation] could not remove the upload staging folder ${stagingDir}: ${String(error)}`);
    }
  };
  try {
    fs.mkdirSync(stagingDir, { recursive: true });
  } catch (error) {
    discard();
    reply(response, 500, { error: `The upload could not be staged: ${error instanceof Error ? error.message : String(error)}` });
    request.resume();
    return;
  }
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
  const fail = (): void => {
    if (refused) return;
    refused = true;
    out.destroy();
    discard();
    reply(response, 400, { error: 'The upload was interrupted.' });
  };
  request.on('aborted', fail);
  request.on('error', fail);
  out.on('error', fail);
  out.on('finish', () => {
    if (refused) return;
    try {
      const { importId } = options.imports.start({ paths: [stagedFile], mode: 'copy' });
      const finished = options.imports.whenFinished(importId);
      if (finished === undefined) discard();
      else void finished.then(discard, discard);
      reply(response, 202, { importId });
    } catch (error) {
      discard();
      reply(response, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  });
}
