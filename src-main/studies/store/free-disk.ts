import fs from 'node:fs';
import path from 'node:path';

/**
 * Free disk kept for everything else on the machine: an import or upload that would leave
 * less than this is refused before it writes anything. RADSTATION_MIN_FREE_DISK_MB sets it
 * (a machine with a small disk can lower it; tests raise it to provoke the refusal).
 */
export const defaultMinFreeMb = 512;
export const minFreeDiskVariable = 'RADSTATION_MIN_FREE_DISK_MB';

export function minFreeBytes(): number {
  const configured = Number(process.env[minFreeDiskVariable]);
  const megabytes = process.env[minFreeDiskVariable] !== undefined && process.env[minFreeDiskVariable] !== '' && Number.isFinite(configured) && configured >= 0 ? configured : defaultMinFreeMb;
  return megabytes * 1024 * 1024;
}

/** The nearest folder that exists at or above the given one (the cache may not exist yet). */
function existingAncestor(folder: string): string {
  let current = path.resolve(folder);
  while (!fs.existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

const megabytes = (bytes: number) => `${Math.ceil(bytes / (1024 * 1024))} MB`;

/**
 * Why writing about `bytesToWrite` bytes under the cache would be refused, or undefined when
 * there is room. A file system that cannot report its free space is given the benefit of the doubt.
 */
export function diskShortfallReason(cacheDir: string, bytesToWrite: number): string | undefined {
  let free: number;
  try {
    const stats = fs.statfsSync(existingAncestor(cacheDir));
    free = stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
  const margin = minFreeBytes();
  if (free - bytesToWrite >= margin) return undefined;
  return `Not enough free disk: this needs about ${megabytes(bytesToWrite)} in the cache's folder, which has ${megabytes(free)} free, and at least ${megabytes(margin)} must stay free (${minFreeDiskVariable}). Nothing was written; free some space first.`;
}
