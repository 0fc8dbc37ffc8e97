import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultUserDataDir, resolveDirs } from '../../src-main/platform/paths';

describe('user data and cache folders', () => {
  it('matches Electron userData locations per platform', () => {
    expect(defaultUserDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux')).toBe(path.join('/xdg', 'Radstation'));
    expect(defaultUserDataDir({ APPDATA: 'C:\\Users\\r\\AppData\\Roaming' }, 'win32')).toBe(path.join('C:\\Users\\r\\AppData\\Roaming', 'Radstation'));
    expect(defaultUserDataDir({}, 'darwin')).toMatch(/Library[/\\]Application Support[/\\]Radstation$/);
  });

  it('lets --cache win over RADSTATION_CACHE, which wins over the user-data folder', () => {
    const env = { RADSTATION_CACHE: '/env-cache', XDG_CONFIG_HOME: '/xdg' };
    expect(resolveDirs({ cacheDir: '/flag-cache' }, env).cacheDir).toBe(path.resolve('/flag-cache'));
    expect(resolveDirs({}, env).cacheDir).toBe(path.resolve('/env-cache'));
    expect(resolveDirs({ userDataDir: '/ud' }, {}).cacheDir).toBe(path.resolve('/ud'));
  });

  it('adds model folders from --models and the RADSTATION_MODELS path list', () => {
    const env = { RADSTATION_MODELS: ['/a', '/b'].join(path.delimiter) };
    expect(resolveDirs({ modelDirs: ['/flag'], userDataDir: '/ud' }, env).extraModelDirs).toEqual(['/flag', '/a', '/b'].map((dir) => path.resolve(dir)));
  });
});
