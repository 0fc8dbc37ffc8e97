import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { createServices, type Services } from '../../src-main/services';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';
import { stubRendererDir } from '../helpers/stub-renderer';

/** /upload's answers carry the host's security headers, and it takes a bounded number of uploads at once. */
const temp = makeTempDir();
let services: Services;
let host: WebHost;
const dicom = fs.readFileSync(sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm'));

beforeAll(async () => {
  const rendererDir = stubRendererDir(temp.dir);
  services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache'), userDataDir: path.join(temp.dir, 'user') });
  host = await startWebHost({ services, rendererDir, maxConcurrentUploads: 2, log: () => {} });
});

afterAll(async () => {
  await host.close();
  await services.close();
  temp.cleanup();
});

function expectSecurityHeaders(headers: Headers | http.IncomingHttpHeaders): void {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : (headers[name] as string | undefined));
  expect(get('content-security-policy')).toContain("default-src 'self'");
  expect(get('x-content-type-options')).toBe('nosniff');
  expect(get('referrer-policy')).toBe('no-referrer');
  expect(get('cache-control')).toBe('no-store');
}

/** An upload whose body is held open until `finish` is called. */
function openUpload(): { answer: Promise<{ status: number; body: string }>; finish: () => void } {
  let finish = (): void => {};
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(`${host.origin}/upload`, {
      method: 'POST',
      headers: { 'x-radstation-token': host.token, 'content-type': 'application/dicom', 'content-length': String(dicom.length), 'x-radstation-filename': 'MR_small.dcm' },
    });
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.write(dicom.subarray(0, 100));
    finish = () => request.end(dicom.subarray(100));
  });
  return { answer, finish };
}

describe('upload route', () => {
  it('answers 405 and 415 as JSON with the same security headers as every page', async () => {
    const wrongMethod = await fetch(`${host.origin}/upload`, { headers: { 'x-radstation-token': host.token } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expectSecurityHeaders(wrongMethod.headers);
    expect(await wrongMethod.json()).toEqual({ error: 'Upload with POST.' });
    const wrongType = await fetch(`${host.origin}/upload`, { method: 'POST', body: 'x', headers: { 'x-radstation-token': host.token, 'content-type': 'text/plain' } });
    expect(wrongType.status).toBe(415);
    expectSecurityHeaders(wrongType.headers);
  });

  it('answers 503 with a reason beyond the bound of concurrent uploads, and takes uploads again once they end', async () => {
    const first = openUpload();
    const second = openUpload();
    // Each upload the host takes gets its own staging folder: wait until both are there.
    const staging = path.join(temp.dir, 'cache', 'uploads');
    await expect.poll(() => (fs.existsSync(staging) ? fs.readdirSync(staging).length : 0)).toBe(2);
    const refused = await fetch(`${host.origin}/upload`, { method: 'POST', body: new Uint8Array(dicom), headers: { 'x-radstation-token': host.token, 'content-type': 'application/dicom' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
    expectSecurityHeaders(refused.headers);
    expect(((await refused.json()) as { error: string }).error).toMatch(/already receiving 2 uploads/);

    first.finish();
    second.finish();
    const answers = await Promise.all([first.answer, second.answer]);
    expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
    for (const answer of answers) await services.imports.whenFinished((JSON.parse(answer.body) as { importId: string }).importId);
    const after = await fetch(`${host.origin}/upload`, { method: 'POST', body: new Uint8Array(dicom), headers: { 'x-radstation-token': host.token, 'content-type': 'application/dicom' } });
    expect(after.status).toBe(202);
    await services.imports.whenFinished(((await after.json()) as { importId: string }).importId);
  });

  it('tells socket clients about an upload by its own name, never by where the host keeps it', async () => {
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/ws`, { headers: { 'x-radstation-token': host.token } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const events: string[] = [];
    const finished = new Promise<string>((resolve) =>
      ws.on('message', (data) => {
        const text = data.toString();
        events.push(text);
        if (text.includes('"imports.finished"')) resolve(text);
      }),
    );
    const response = await fetch(`${host.origin}/upload`, {
      method: 'POST',
      body: 'not a DICOM file',
      headers: { 'x-radstation-token': host.token, 'content-type': 'application/octet-stream', 'x-radstation-filename': 'junk.dcm' },
    });
    expect(response.status).toBe(202);
    const event = JSON.parse(await finished) as { payload: { report: { failed: Array<{ path: string }> } } };
    expect(event.payload.report.failed.map((failure) => failure.path)).toEqual(['junk.dcm']);
    for (const text of events) expect(text).not.toContain(temp.dir);
    ws.close();
  });
});
