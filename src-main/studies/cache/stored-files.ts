import fs from 'node:fs';
import path from 'node:path';

/**
 * Where an instance's file is on disk. Managed copies may be stored relative to the
 * cache folder (so a cache can move as a whole); linked originals are absolute.
 */
export function resolveStoredPath(cacheDir: string, filePath: string): string {
  return path.isAbsolute(filePath) ? filePath : path.resolve(cacheDir, filePath);
}

export function fileExists(filePath: string): boolean {
  try {
    return fs.statSync(filePath).isFile();
  } catch {
    return false;
  }
}

/** True when target lies inside folder: the only place the cache may delete files. */
export function isInside(folder: string, target: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(target));
  return relative.length > 0 && !relative.startsWith('..') && !path.isAbsolute(relative);
}
