import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { handleUpload, safeUploadName, UploadSlots } from '../../src-main/host/upload-route';
import { createServices, type Services } from '../../src-main/services';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
let services: Services;
let host: WebHost;
let origin: string;
const cacheDir = path.join(temp.dir, 'cache');

beforeAll(async () => {
  const rendererDir = path.join(temp.dir, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>test renderer</title>');
  services = createServices({ host: 'web', cacheDir, userDataDir: path.join(temp.dir, 'user') });
  host = await startWebHost({ services, rendererDir });
  origin = new URL(host.url).origin;
});

afterAll(async () => {
  await host.close();
  await services.close();
  temp.cleanup();
});

const post = (body: Buffer, headers: Record<string, string>, base = origin) =>
  fetch(`${base}/upload`, { method: 'POST', body: new Uint8Array(body), headers });

describe('upload to the web host', () => {
  it('imports a posted DICOM file by copy and removes the staged upload', async () => {
    const bytes = fs.readFileSync(sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm'));
    const response = await post(bytes, { 'x-radstation-token': host.token, 'content-type': 'application/dicom', 'x-radstation-filename': encodeURIComponent('../../etc/MR small.dcm') });
    expect(response.status).toBe(202);
    const { importId } = (await response.json()) as { importId: string };
    const finished = await services.imports.whenFinished(importId);
    expect(finished?.report).toMatchObject({ files: 1, instances: 1, failed: [] });
    expect(services.studies.list({}).map((study) => study.instanceCount)).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fs.readdirSync(path.join(cacheDir, 'uploads'))).toEqual([]);
  });

  it('refuses uploads without the token, or as a type a cross-site form could send', async () => {
    const bytes = Buffer.from('x');
    expect((await post(bytes, { 'content-type': 'application/dicom' })).status).toBe(401);
    expect((await post(bytes, { 'x-radstation-token': host.token, 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(bytes, { 'x-radstation-token': host.token, 'content-type': 'multipart/form-data; boundary=x' })).status).toBe(415);
  });

  it('refuses a body over the limit and keeps nothing of it', async () => {
    const server = http.createServer((request, response) => handleUpload(request, response, { cacheDir: path.join(temp.dir, 'small'), imports: services.imports, maxBytes: 1000, slots: new UploadSlots(4), log: () => {} }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Declared too large: refused before anything is written.
    const declared = await post(Buffer.alloc(5000, 1), { 'content-type': 'application/octet-stream' }, base);
    expect(declared.status).toBe(413);
    // Chunked, with no length announced: refused while streaming, the partial file removed.
    const streamed = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${base}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', (error) => (String(error).includes('EPIPE') || String(error).includes('ECONNRESET') ? resolve(413) : reject(error)));
      for (let i = 0; i < 10; i += 1) request.write(Buffer.alloc(500, 2));
      request.end();
    });
    expect(streamed).toBe(413);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const uploads = path.join(temp.dir, 'small', 'uploads');
    expect(fs.existsSync(uploads) ? fs.readdirSync(uploads, { recursive: true }) : []).toEqual([]);
  });

  it('keeps only a plain file name from the sender', () => {
    expect(safeUploadName('..%2F..%2Fetc%2Fpasswd')).toBe('passwd');
    expect(safeUploadName('.hidden')).toBe('hidden');
    expect(safeUploadName(undefined)).toBe('upload.dcm');
    expect(safeUploadName('a b;rm -rf.dcm')).toBe('a_b_rm_-rf.dcm');
  });
});
