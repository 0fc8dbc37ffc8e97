import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Zip archives of de-identified studies waiting to be downloaded by the study browser. They
 * live inside the cache, are named by a random id (the only thing a URL carries), and go
 * after an hour: they hold copies the user has already taken, or never came for.
 */

const exportIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const exportLifetimeMs = 60 * 60 * 1000;

function exportsDir(cacheDir: string): string {
  return path.join(cacheDir, 'deid-exports');
}

/** The name a browser saves an export under; the same in the reply and in the route's Content-Disposition. */
export function exportDownloadName(exportId: string): string {
  return `deidentified-${exportId.slice(0, 8)}.zip`;
}

/** A fresh id and the file its archive is to be written to. */
export function newExportFile(cacheDir: string): { exportId: string; file: string } {
  const dir = exportsDir(cacheDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const exportId = randomUUID();
  return { exportId, file: path.join(dir, `${exportId}.zip`) };
}

/** The archive of an export id, or undefined for anything that is not a live export's id. */
export function resolveExportFile(cacheDir: string, exportId: string): string | undefined {
  if (!exportIdPattern.test(exportId)) return undefined;
  const file = path.join(exportsDir(cacheDir), `${exportId}.zip`);
  return fs.existsSync(file) ? file : undefined;
}

/** Removes archives (and half-written ones a crash left) older than the lifetime. */
export function pruneExports(cacheDir: string, now = Date.now()): void {
  const dir = exportsDir(cacheDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (now - fs.statSync(file).mtimeMs > exportLifetimeMs) fs.rmSync(file, { force: true });
    } catch {
      // Gone already, or not ours to remove: the next prune tries again.
    }
  }
}
