import os from 'node:os';
import path from 'node:path';

export const appName = 'Radstation';

/**
 * The same folder Electron's app.getPath('userData') returns, computed without
 * Electron so the CLI and the web host share the desktop app's cache.
 */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), appName);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', appName);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), appName);
}

export interface ResolvedDirs {
  userDataDir: string;
  cacheDir: string;
  /** Extra model folders, searched after the shipped and the user's models. */
  extraModelDirs: string[];
}

/** Precedence: explicit option, then environment variable, then the user-data folder. */
export function resolveDirs(options: { cacheDir?: string; modelDirs?: string[]; userDataDir?: string }, env: NodeJS.ProcessEnv = process.env): ResolvedDirs {
  const userDataDir = options.userDataDir ?? defaultUserDataDir(env);
  const cacheDir = path.resolve(options.cacheDir ?? env.RADSTATION_CACHE ?? userDataDir);
  const fromEnv = (env.RADSTATION_MODELS ?? '').split(path.delimiter).filter((entry) => entry.length > 0);
  const extraModelDirs = [...(options.modelDirs ?? []), ...fromEnv].map((dir) => path.resolve(dir));
  return { userDataDir, cacheDir, extraModelDirs };
}
