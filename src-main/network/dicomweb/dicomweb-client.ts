import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DicomWebNode, NetworkFailureKind } from '../../../src-shared/domain/network';
import { NetworkError } from '../dimse/association';
import { MultipartReader, multipartBody, multipartBoundary } from './multipart';

/**
 * A small DICOMweb client over Node's own fetch. dicomweb-client (OHIF's) needs XMLHttpRequest,
 * which plain Node lacks; QIDO, WADO and STOW are each a request or two, so this stays short.
 */

type DicomJson = Record<string, { vr?: string; Value?: unknown[] } | undefined>;

function readSecret(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new NetworkError('auth', `cannot read the ${what} file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function authHeaders(node: DicomWebNode): Record<string, string> {
  if (!node.auth) return {};
  if (node.auth.type === 'basic') {
    const password = readSecret(node.auth.passwordFile, 'password');
    return { authorization: `Basic ${Buffer.from(`${node.auth.user}:${password}`).toString('base64')}` };
  }
  return { authorization: `Bearer ${readSecret(node.auth.tokenFile, 'token')}` };
}

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

export const serviceUrl = {
  qido: (node: DicomWebNode) => base(node.qidoUrl ?? node.url),
  wado: (node: DicomWebNode) => base(node.wadoUrl ?? node.url),
  stow: (node: DicomWebNode) => base(node.stowUrl ?? node.url),
};

function classifyFetchError(error: unknown): { kind: NetworkFailureKind; detail: string } {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? '';
  const detail = cause?.message ?? (error instanceof Error ? error.message : String(error));
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { kind: 'timeout', detail: 'no answer in time' };
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN/.test(code)) return { kind: 'refused', detail };
  if (/ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT/.test(code)) return { kind: 'timeout', detail };
  if (/CERT|SSL|TLS|ERR_TLS|DEPTH_ZERO|SELF_SIGNED|EPROTO/.test(code) || /certificate|SSL|TLS/i.test(detail)) return { kind: 'tls', detail };
  return { kind: 'protocol', detail };
}

export interface DicomWebRequest {
  method?: 'GET' | 'POST';
  accept: string;
  body?: Buffer;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One request, with the failure kinds of echo (refused, timeout, TLS, auth, http) as NetworkErrors. */
export async function dicomWebFetch(node: DicomWebNode, url: string, request: DicomWebRequest): Promise<Response> {
  const timeout = AbortSignal.timeout(request.timeoutMs ?? 30_000);
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers: { accept: request.accept, ...(request.contentType ? { 'content-type': request.contentType } : {}), ...authHeaders(node) },
      ...(request.body ? { body: new Blob([new Uint8Array(request.body)]) } : {}),
      signal: request.signal ? AbortSignal.any([timeout, request.signal]) : timeout,
    });
  } catch (error) {
    if (request.signal?.aborted) throw new NetworkError('protocol', 'cancelled');
    const { kind, detail } = classifyFetchError(error);
    throw new NetworkError(kind, `${url}: ${kind === 'refused' ? 'connection refused' : kind === 'tls' ? 'TLS failed' : kind === 'timeout' ? 'timed out' : 'request failed'}: ${detail}`);
  }
  if (response.status === 401 || response.status === 403) {
    throw new NetworkError('auth', `${url}: HTTP ${response.status} (${node.auth ? 'the credentials were refused' : 'the server wants credentials'})`);
  }
  if (!response.ok) throw new NetworkError('http', `${url}: HTTP ${response.status} ${response.statusText}`);
  return response;
}

/** QIDO-RS search; answers are DICOM JSON objects (an empty body, 204, means no match). */
/** Params are pairs, so includefield can repeat (one tag each, which every server understands). */
export async function qido(node: DicomWebNode, resource: string, params: ReadonlyArray<[string, string]>, timeoutMs?: number): Promise<DicomJson[]> {
  const query = new URLSearchParams([...params]).toString();
  const url = `${serviceUrl.qido(node)}/${resource}${query ? `?${query}` : ''}`;
  const response = await dicomWebFetch(node, url, { accept: 'application/dicom+json', ...(timeoutMs ? { timeoutMs } : {}) });
  const text = await response.text();
  if (text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new NetworkError('protocol', `${url}: the answer is not JSON`);
  }
  if (!Array.isArray(parsed)) throw new NetworkError('protocol', `${url}: the answer is not a JSON array`);
  return parsed as DicomJson[];
}

/**
 * WADO-RS retrieve of a study, a series or one instance, asking for the stored transfer syntax
 * (transfer-syntax=*), each part written to its own staging file as it streams in. A part is
 * handed to onPart only once complete; a body cut off mid-part leaves no file behind.
 */
export async function wadoRetrieve(
  node: DicomWebNode,
  resource: string,
  stagingDir: string,
  onPart: (file: string) => void,
  signal?: AbortSignal,
): Promise<number> {
  const url = `${serviceUrl.wado(node)}/${resource}`;
  const response = await dicomWebFetch(node, url, {
    accept: 'multipart/related; type="application/dicom"; transfer-syntax=*',
    timeoutMs: 10 * 60_000,
    ...(signal ? { signal } : {}),
  });
  const boundary = multipartBoundary(response.headers.get('content-type'));
  if (!boundary) throw new NetworkError('protocol', `${url}: the answer is not multipart (${response.headers.get('content-type') ?? 'no content type'})`);
  fs.mkdirSync(stagingDir, { recursive: true });
  let current: { fd: number; partial: string } | undefined;
  const closeCurrent = (keep: boolean) => {
    if (!current) return;
    fs.closeSync(current.fd);
    if (keep) {
      const done = current.partial.replace(/\.partial$/, '.dcm');
      fs.renameSync(current.partial, done);
      current = undefined;
      onPart(done);
    } else {
      fs.rmSync(current.partial, { force: true });
      current = undefined;
    }
  };
  const reader = new MultipartReader(boundary, {
    partStart: () => {
      const partial = path.join(stagingDir, `${randomUUID()}.partial`);
      current = { fd: fs.openSync(partial, 'w'), partial };
    },
    partData: (chunk) => {
      if (current) fs.writeSync(current.fd, chunk);
    },
    partEnd: () => closeCurrent(true),
  });
  try {
    if (!response.body) throw new NetworkError('protocol', `${url}: empty answer`);
    const stream = response.body.getReader();
    for (;;) {
      const { done, value } = await stream.read();
      if (done) break;
      reader.push(value);
    }
    reader.end();
  } catch (error) {
    closeCurrent(false);
    if (error instanceof NetworkError) throw error;
    if (signal?.aborted) throw new NetworkError('protocol', 'cancelled');
    throw new NetworkError('protocol', `${url}: the transfer broke off: ${error instanceof Error ? error.message : String(error)}`);
  }
  return reader.partCount;
}

export interface StowOutcome {
  sopInstanceUid: string;
  ok: boolean;
  status: string;
}

function sequenceItems(json: DicomJson, tag: string): DicomJson[] {
  return ((json[tag]?.Value ?? []) as DicomJson[]).filter((item) => typeof item === 'object' && item !== null);
}

function firstString(json: DicomJson, tag: string): string {
  const value = json[tag]?.Value?.[0];
  return value === undefined ? '' : String(value);
}

/** STOW-RS of Part 10 files in one request; each instance's outcome comes from the answer's sequences. */
export async function stow(node: DicomWebNode, files: ReadonlyArray<{ file: string; sopInstanceUid: string }>): Promise<StowOutcome[]> {
  const boundary = `radstation-${randomUUID()}`;
  const body = multipartBody(
    files.map(({ file }) => fs.readFileSync(file)),
    boundary,
  );
  const url = `${serviceUrl.stow(node)}/studies`;
  const response = await dicomWebFetch(node, url, {
    method: 'POST',
    accept: 'application/dicom+json',
    body,
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
    timeoutMs: 10 * 60_000,
  });
  const answer = (await response.json()) as DicomJson;
  const stored = new Set(sequenceItems(answer, '00081199').map((item) => firstString(item, '00081155')));
  const failed = new Map(sequenceItems(answer, '00081198').map((item) => [firstString(item, '00081155'), firstString(item, '00081197')]));
  return files.map(({ sopInstanceUid }) => {
    if (stored.has(sopInstanceUid)) return { sopInstanceUid, ok: true, status: 'stored' };
    const reason = failed.get(sopInstanceUid);
    return { sopInstanceUid, ok: false, status: reason !== undefined ? `failed (reason ${reason})` : 'not in the answer' };
  });
}
