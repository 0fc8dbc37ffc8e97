import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookupCacheFile, lookupRendererFile } from '../../src-main/host/file-routes';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

describe('cache file routes', () => {
  const known = path.join(temp.dir, 'known.dcm');
  fs.writeFileSync(known, 'DICM');
  const resolve = (uid: string) => (uid === '1.2.3' ? known : uid === '1.2.4' ? path.join(temp.dir, 'gone.dcm') : undefined);

  it('serves a file the cache knows', () => {
    expect(lookupCacheFile('/files/instances/1.2.3', resolve)).toEqual({ status: 200, filePath: known, contentType: 'application/dicom' });
  });

  it.each([
    '/files/instances/../../etc/passwd',
    '/files/instances/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/files/instances/1.2.3/../../secret',
    '/files/instances/C:\\Windows\\win.ini',
    '/files/instances/',
  ])('refuses %s with a 400 before any lookup', (requestPath) => {
    let looked = false;
    const result = lookupCacheFile(requestPath, () => {
      looked = true;
      return known;
    });
    expect(result.status).toBe(400);
    expect(looked).toBe(false);
  });

  it('answers 404 for unknown UIDs and for known instances whose file is gone', () => {
    expect(lookupCacheFile('/files/instances/9.9', resolve).status).toBe(404);
    expect(lookupCacheFile('/files/instances/1.2.4', resolve)).toMatchObject({ status: 404, message: expect.stringContaining('missing') });
  });

  it('answers 400 for malformed percent-encoding', () => {
    expect(lookupCacheFile('/files/instances/%E0%A4%A', resolve).status).toBe(400);
  });
});

describe('renderer file routes', () => {
  const rendererDir = path.join(temp.dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<html></html>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), '');
  fs.writeFileSync(path.join(temp.dir, 'secret.txt'), 'secret');

  it('serves index.html for the root and assets by type', () => {
    expect(lookupRendererFile(rendererDir, '/')).toMatchObject({ status: 200, contentType: 'text/html; charset=utf-8' });
    expect(lookupRendererFile(rendererDir, '/assets/app.js')).toMatchObject({ status: 200, contentType: 'text/javascript; charset=utf-8' });
  });

  it('refuses paths that escape the renderer folder', () => {
    expect(lookupRendererFile(rendererDir, '/../secret.txt').status).toBe(400);
    expect(lookupRendererFile(rendererDir, '/%2e%2e/secret.txt').status).toBe(400);
    expect(lookupRendererFile(rendererDir, '/assets/../../secret.txt').status).toBe(400);
  });

  it('refuses a symlink inside the renderer folder that points out of it, and a linked folder too', () => {
    fs.symlinkSync(path.join(temp.dir, 'secret.txt'), path.join(rendererDir, 'assets', 'linked.js'));
    fs.mkdirSync(path.join(temp.dir, 'outside'));
    fs.writeFileSync(path.join(temp.dir, 'outside', 'other.js'), 'secret');
    fs.symlinkSync(path.join(temp.dir, 'outside'), path.join(rendererDir, 'elsewhere'));
    expect(lookupRendererFile(rendererDir, '/assets/linked.js')).toMatchObject({ status: 404 });
    expect(lookupRendererFile(rendererDir, '/elsewhere/other.js')).toMatchObject({ status: 404 });
  });

  it('still serves a symlink that stays inside the renderer folder, from a renderer folder reached through a link', () => {
    fs.symlinkSync(path.join(rendererDir, 'assets', 'app.js'), path.join(rendererDir, 'alias.js'));
    const linkedRoot = path.join(temp.dir, 'renderer-link');
    fs.symlinkSync(rendererDir, linkedRoot);
    expect(lookupRendererFile(rendererDir, '/alias.js')).toMatchObject({ status: 200, contentType: 'text/javascript; charset=utf-8' });
    expect(lookupRendererFile(linkedRoot, '/assets/app.js')).toMatchObject({ status: 200 });
  });
});
