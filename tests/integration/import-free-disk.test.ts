import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { handleUpload, UploadSlots } from '../../src-main/host/upload-route';
import { createImportService } from '../../src-main/studies/import/import-service';
import { runImport } from '../../src-main/studies/import/run-import';
import { minFreeDiskVariable } from '../../src-main/studies/store/free-disk';
import { EventBus } from '../../src-main/events';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const saved = process.env[minFreeDiskVariable];
afterEach(() => {
  if (saved === undefined) delete process.env[minFreeDiskVariable];
  else process.env[minFreeDiskVariable] = saved;
});

/** A margin no disk can satisfy (1 EB), so the refusal does not depend on the test machine's free space. */
const impossibleMarginMb = String(1024 ** 4);

const storedFiles = (cacheDir: string) => (fs.existsSync(path.join(cacheDir, 'store')) ? fs.readdirSync(path.join(cacheDir, 'store'), { recursive: true }).filter((name) => String(name).endsWith('.dcm')) : []);

describe('free disk margin', () => {
  it('refuses an import that would leave less than the margin, with a clear message, before writing', async () => {
    process.env[minFreeDiskVariable] = impossibleMarginMb;
    const cacheDir = path.join(temp.dir, 'cache-refused');
    const finished = await runImport({ importId: 'disk', cacheDir, paths: [sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')], mode: 'copy' });
    expect(finished.status).toBe('failed');
    expect(finished.message).toMatch(/Not enough free disk/);
    expect(finished.message).toContain(minFreeDiskVariable);
    expect(finished.report.instances).toBe(0);
    expect(storedFiles(cacheDir)).toEqual([]);

    // With the margin back to a sane size, the same import goes through.
    process.env[minFreeDiskVariable] = '1';
    const retried = await runImport({ importId: 'disk-2', cacheDir, paths: [sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')], mode: 'copy' });
    expect(retried.status).toBe('completed');
    expect(retried.report.instances).toBe(28);
  });

  it('refuses an upload with 507 before writing its body', async () => {
    process.env[minFreeDiskVariable] = impossibleMarginMb;
    const cacheDir = path.join(temp.dir, 'cache-upload');
    const imports = createImportService(cacheDir, new EventBus());
    const server = http.createServer((request, response) => handleUpload(request, response, { cacheDir, imports, slots: new UploadSlots(4), log: () => {} }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const body = fs.readFileSync(sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm'));
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: { 'content-type': 'application/dicom', 'x-radstation-filename': 'ct.dcm' },
      });
      expect(response.status).toBe(507);
      expect(((await response.json()) as { error: string }).error).toMatch(/Not enough free disk/);
      expect(fs.existsSync(path.join(cacheDir, 'uploads'))).toBe(false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await imports.close();
    }
  });
});
