import { describe, expect, it } from 'vitest';
import { hostDirArgs } from '../../src-main/platform/host-args';

describe("the desktop app's folder options", () => {
  it('takes --cache and repeated --models, in both spellings, among Chromium switches', () => {
    const argv = ['/opt/Radstation/radstation', '--no-sandbox', '--models', '/m1', '--cache=/c', '--enable-logging', '--models=/m2', 'app.asar'];
    expect(hostDirArgs(argv)).toEqual({ cacheDir: '/c', modelDirs: ['/m1', '/m2'] });
  });

  it('gives no folders when none are named, and does not take the next switch for a folder', () => {
    expect(hostDirArgs(['electron', '.'])).toEqual({ modelDirs: [] });
    expect(hostDirArgs(['electron', '--models', '--cache', '/c'])).toEqual({ cacheDir: '/c', modelDirs: [] });
    expect(hostDirArgs(['electron', '--models'])).toEqual({ modelDirs: [] });
  });
});
