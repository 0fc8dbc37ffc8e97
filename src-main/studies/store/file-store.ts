import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The managed store under the cache folder. Copied files are named by their SHA-256, so
 * the same content is stored once, different content can never overwrite a stored file,
 * and a file copied by an import that died before committing is simply reused next time.
 */
export const storeFolderName = 'store';
export const conflictsFolderName = 'conflicts';
const stagingFolderName = '.staging';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function storeDir(cacheDir: string): string {
  return path.join(cacheDir, storeFolderName);
}

export function storedPathFor(cacheDir: string, sha256: string, folder: string = storeFolderName): string {
  return path.join(cacheDir, folder, sha256.slice(0, 2), `${sha256}.dcm`);
}

/**
 * Writes bytes to their content-addressed place: first to a staging file, then renamed,
 * so a reader never sees half a file. Returns the stored path.
 */
export async function putContent(cacheDir: string, bytes: Uint8Array, sha256: string, folder: string = storeFolderName): Promise<string> {
  const target = storedPathFor(cacheDir, sha256, folder);
  try {
    const existing = await fs.promises.stat(target);
    if (existing.size === bytes.length) return target;
  } catch {
    // not stored yet
  }
  const staging = path.join(cacheDir, folder, stagingFolderName);
  await fs.promises.mkdir(staging, { recursive: true });
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const temporary = path.join(staging, `${sha256}.${randomBytes(6).toString('hex')}.part`);
  try {
    await fs.promises.writeFile(temporary, bytes, { mode: 0o644 });
    await fs.promises.rename(temporary, target);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
  return target;
}

function listStoredFiles(root: string): string[] {
  const found: string[] = [];
  const visit = (folder: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else found.push(full);
    }
  };
  visit(root);
  return found;
}

/**
 * Removes files in the store (and staging leftovers) that no committed row references:
 * what an import killed between copying and committing left behind. Only files older
 * than minAgeMs go, so an import running in another process keeps its uncommitted copies.
 */
export function removeOrphans(cacheDir: string, referenced: (filePath: string) => boolean, minAgeMs = 10 * 60 * 1000): number {
  const now = Date.now();
  let removed = 0;
  for (const folder of [storeFolderName, conflictsFolderName]) {
    for (const file of listStoredFiles(path.join(cacheDir, folder))) {
      try {
        if (now - fs.statSync(file).mtimeMs < minAgeMs) continue;
        if (!file.includes(`${path.sep}${stagingFolderName}${path.sep}`) && referenced(file)) continue;
        fs.rmSync(file, { force: true });
        removed += 1;
      } catch {
        // vanished meanwhile: nothing to clean
      }
    }
  }
  return removed;
}
