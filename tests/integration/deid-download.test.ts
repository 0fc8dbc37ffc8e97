import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRoutes } from '../../src-shared/contract';
import { dispatch } from '../../src-main/dispatch';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { createServices, type Services } from '../../src-main/services';
import { pydicomUnavailable, runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { stubRendererDir } from '../helpers/stub-renderer';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The study browser's "download as zip": studies.deidentify with output "zip" through the
 * contract, then the archive over the web host's authenticated file route, as a browser
 * fetches it. Only the owner role may ask, only a token holder may fetch, and the reply
 * names no path on the host.
 */

const temp = makeTempDir('radstation-deid-download-');
const cacheDir = path.join(temp.dir, 'cache');
const ctFolder = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
const ctFiles = fs.readdirSync(ctFolder).filter((name) => name.endsWith('.dcm')).length;
const owner = { host: 'web', client: 'test', role: 'owner' } as const;
const unzipMissing = spawnSync('unzip', ['-h']).error !== undefined;
const skipReason = [pydicomUnavailable(), unzipMissing ? 'unzip is not installed' : undefined].filter(Boolean).join('; ');
let services: Services;
let host: WebHost;
let studyUid = '';

beforeAll(async () => {
  services = createServices({ host: 'web', cacheDir });
  const { importId } = services.imports.start({ paths: [ctFolder], mode: 'copy' });
  expect((await services.imports.whenFinished(importId))?.status).toBe('completed');
  studyUid = services.studies.list({ limit: 5 })[0]?.studyInstanceUid ?? '';
  host = await startWebHost({ services, rendererDir: stubRendererDir(temp.dir), log: () => undefined });
}, 120_000);

afterAll(async () => {
  await host?.close();
  await services?.close();
  temp.cleanup();
});

/** A GET on a fresh connection: a pooled one the host closed while idle would reset (ECONNRESET). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

const request = (output: 'zip' | 'cache') => ({ studyInstanceUids: [studyUid], options: [], project: 'default', burnedIn: {}, output, dicomdir: true });

describe.skipIf(skipReason !== '')(`a de-identified study downloaded as a zip${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  it('answers the owner with a download the host serves to a token holder, de-identified, with a DICOMDIR', async () => {
    const result = await dispatch(services.handlers, 'studies.deidentify', request('zip'), owner);
    if (!result.ok) throw new Error(result.error.message);
    const reply = result.value as { written: number; download?: { exportId: string; fileName: string; bytes: number } };
    expect(reply.written).toBe(ctFiles);
    expect(reply.download?.fileName).toMatch(/^deidentified-[0-9a-f]{8}\.zip$/);
    expect(JSON.stringify(reply)).not.toContain(temp.dir);
    const url = `${host.origin}${fileRoutes.deidentifiedExport}${reply.download?.exportId}.zip`;

    expect((await get(url)).status).toBe(401);
    const response = await get(url, { 'x-radstation-token': host.token });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="deidentified-[0-9a-f]{8}\.zip"$/);
    const zip = response.body;
    expect(zip.length).toBe(reply.download?.bytes);

    const zipFile = path.join(temp.dir, 'downloaded.zip');
    fs.writeFileSync(zipFile, zip);
    const extracted = path.join(temp.dir, 'downloaded');
    expect(spawnSync('unzip', ['-q', zipFile, '-d', extracted]).status).toBe(0);
    const read = runPydicom<{ count: number; names: string[]; removed: string[] }>(
      `import sys, json, pydicom
from pydicom.fileset import FileSet
fs = FileSet(pydicom.dcmread(sys.argv[1]))
ds = [i.load() for i in fs]
print(json.dumps({'count': len(ds), 'names': sorted({str(d.PatientName) for d in ds}), 'removed': sorted({d.PatientIdentityRemoved for d in ds})}))`,
      [path.join(extracted, 'DICOMDIR')],
    );
    expect(read).toEqual({ count: ctFiles, names: [''], removed: ['YES'] });
  }, 120_000);

  it('refuses the teacher and student roles, and serves no unknown or malformed export id', async () => {
    for (const role of ['teacher', 'student'] as const) {
      const refused = await dispatch(services.handlers, 'studies.deidentify', request('zip'), { ...owner, role });
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const headers = { 'x-radstation-token': host.token };
    for (const name of ['00000000-0000-4000-8000-000000000000.zip', '..%2F..%2Fcache.sqlite', 'x.zip', '%2e%2e%2fDICOMDIR']) {
      const response = await get(`${host.origin}${fileRoutes.deidentifiedExport}${name}`, headers);
      expect(response.status, name).toBe(404);
    }
  });

  it('lists a cached file that has gone as excluded by its name, with no path on the host in the reply', async () => {
    const instances = services.studies.series(studyUid);
    const first = instances[0];
    if (!first) throw new Error('the imported study has no series');
    const sop = services.studies.instances(first.seriesInstanceUid).instances[0]?.sopInstanceUid ?? '';
    const stored = services.studies.resolveInstanceFile(sop) ?? '';
    expect(stored.startsWith(cacheDir)).toBe(true);
    fs.rmSync(stored);
    const result = await dispatch(services.handlers, 'studies.deidentify', request('cache'), owner);
    if (!result.ok) throw new Error(result.error.message);
    const reply = result.value as { files: number; written: number; excluded: Array<{ file: string; reason: string }> };
    expect(reply).toMatchObject({ files: ctFiles, written: ctFiles - 1 });
    expect(reply.excluded).toEqual([{ file: path.basename(stored), reason: expect.stringContaining('missing') }]);
    expect(JSON.stringify(reply)).not.toContain(temp.dir);
  }, 120_000);
});
