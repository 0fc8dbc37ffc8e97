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

const knownFolders = new Set<string>();

function ensureFolder(folder: string): void {
  if (knownFolders.has(folder)) return;
  fs.mkdirSync(folder, { recursive: true });
  knownFolders.add(folder);
}

/**
 * Writes bytes to their content-addressed place: first to a staging file, then renamed,
 * so a reader never sees half a file. Renaming over an existing file of the same name is
 * harmless (same name, same content) and atomic. Returns the stored path.
 *
 * The file system calls are synchronous on purpose: imports run in a worker thread or the
 * CLI, and one blocking write costs a fraction of the CPU of its chunked async form.
 */
export async function putContent(cacheDir: string, bytes: Uint8Array, sha256: string, folder: string = storeFolderName): Promise<string> {
  const target = storedPathFor(cacheDir, sha256, folder);
  const staging = path.join(cacheDir, folder, stagingFolderName);
  const temporary = path.join(staging, `${sha256}.${randomBytes(6).toString('hex')}.part`);
  const write = () => {
    ensureFolder(staging);
    ensureFolder(path.dirname(target));
    fs.writeFileSync(temporary, bytes, { mode: 0o644 });
    fs.renameSync(temporary, target);
  };
  try {
    write();
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // A folder removed behind our back (a cache cleared by hand): make it again, once.
    knownFolders.clear();
    write();
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
