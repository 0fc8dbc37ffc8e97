import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebHost } from '../../src-main/host/web-host';
import { newUploadStagingFolder, uploadStagingRoot } from '../../src-main/host/upload-route';
import { createServices } from '../../src-main/services';
import { makeTempDir } from '../helpers/temp-dir';
import { stubRendererDir } from '../helpers/stub-renderer';

const temp = makeTempDir('radstation-upload-staging-');
afterAll(() => temp.cleanup());

/** The id of a process that has run and exited, so no process has it now (barring reuse within the test). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe("a killed host's upload staging", () => {
  it('is named after the receiving process', () => {
    const folder = newUploadStagingFolder(path.join(temp.dir, 'naming'));
    expect(path.dirname(folder)).toBe(uploadStagingRoot(path.join(temp.dir, 'naming')));
    expect(path.basename(folder)).toMatch(new RegExp(`^${process.pid}-[0-9a-f-]{36}$`));
  });

  it("is removed when the next host starts, while a live process's upload stays", async () => {
    const cacheDir = path.join(temp.dir, 'cache');
    const uploads = uploadStagingRoot(cacheDir);
    const dead = path.join(uploads, `${deadPid()}-00000000-0000-4000-8000-000000000000`);
    const live = newUploadStagingFolder(cacheDir);
    for (const folder of [dead, live]) {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'upload.dcm'), Buffer.alloc(1024, 1));
    }
    const rendererDir = stubRendererDir(temp.dir);
    const services = createServices({ host: 'web', cacheDir, modelDirs: [] });
    const host = await startWebHost({ services, rendererDir, log: () => {} });
    try {
      expect(fs.existsSync(dead)).toBe(false);
      expect(fs.existsSync(path.join(live, 'upload.dcm'))).toBe(true);
    } finally {
      await host.close();
      await services.close();
    }
  });
});
