import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelSourcesFor } from '../../src-main/inference/inference-wiring';
import { repoRoot } from '../helpers/cli-process';

/**
 * `npm run dist` cannot run here (it needs an Electron download), so these check the two
 * halves that must agree: what electron-builder.yml puts in an installer, and where the
 * app looks for it once installed.
 */
const builderConfig = fs.readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8');

describe('electron-builder.yml', () => {
  it('builds AppImage and deb on Linux, NSIS on Windows and a dmg on macOS', () => {
    expect(builderConfig).toMatch(/^linux:\n(?: {2}.*\n)*? {2}target: \[AppImage, deb\]$/m);
    expect(builderConfig).toMatch(/^win:\n {2}target: \[nsis\]$/m);
    expect(builderConfig).toMatch(/^mac:\n(?: {2}.*\n)*? {2}target: \[dmg\]$/m);
  });

  it('unpacks the native modules from the asar', () => {
    expect(builderConfig).toMatch(/^asarUnpack:\n(?: {2}- .*\n)*? {2}- node_modules\/better-sqlite3\/\*\*$/m);
    expect(builderConfig).toMatch(/^asarUnpack:\n(?: {2}- .*\n)*? {2}- node_modules\/onnxruntime-node\/\*\*$/m);
  });

  it('ships models/ as a resource folder named models', () => {
    expect(builderConfig).toMatch(/^extraResources:\n {2}- from: models\n {4}to: models$/m);
  });
});

describe('where the app finds its shipped models', () => {
  const dirs = { userDataDir: path.resolve('/home/u/.config/Radstation'), cacheDir: path.resolve('/cache'), extraModelDirs: [path.resolve('/extra')] };

  it('looks first in resources/models of an installed app, where electron-builder puts models/', () => {
    const resources = path.resolve('/opt/Radstation/resources');
    expect(modelSourcesFor(dirs, resources)).toEqual([
      { dir: path.join(resources, 'models'), origin: 'shipped' },
      { dir: path.join(repoRoot, 'models'), origin: 'shipped' },
      { dir: path.join(dirs.userDataDir, 'models'), origin: 'user' },
      { dir: path.resolve('/extra'), origin: 'extra' },
    ]);
  });

  it("uses the project's models/ when not packaged (plain Node: no resourcesPath)", () => {
    expect(modelSourcesFor(dirs, undefined)[0]).toEqual({ dir: path.join(repoRoot, 'models'), origin: 'shipped' });
  });
});
