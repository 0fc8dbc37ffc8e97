import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { makePrivateFolder, privateFileMode } from '../../platform/private-files';

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
  makePrivateFolder(folder);
  knownFolders.add(folder);
}

/** Staging names unique to this process and thread without asking the system for random bytes on every file. */
let stagedCount = 0;

/**
 * A fresh staging file name under the store, carrying the writing process's id so that a
 * later start can tell a dead import's leftovers from a live one's (see removeDeadStaging).
 */
function stagingPath(cacheDir: string, folder: string, label: string): string {
  stagedCount += 1;
  return path.join(cacheDir, folder, stagingFolderName, `${label}.${process.pid}-${threadId}-${stagedCount}.part`);
}

/** A staging file for content streamed in before its checksum is known (a zip entry); the folder exists on return. */
export function newStagingFile(cacheDir: string, label: string): string {
  const file = stagingPath(cacheDir, storeFolderName, label);
  ensureFolder(path.dirname(file));
  return file;
}

function writeStaged(cacheDir: string, folder: string, sha256: string, target: string, write: (temporary: string) => void): void {
  const staging = path.join(cacheDir, folder, stagingFolderName);
  const temporary = stagingPath(cacheDir, folder, sha256);
  const attempt = () => {
    ensureFolder(staging);
    ensureFolder(path.dirname(target));
    write(temporary);
    fs.renameSync(temporary, target);
  };
  try {
    attempt();
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // A folder removed behind our back (a cache cleared by hand): make it again, once.
    knownFolders.clear();
    attempt();
  }
}

/**
 * Writes bytes to their content-addressed place: first to a staging file, then renamed,
 * so a reader never sees half a file. Renaming over an existing file of the same name is
 * harmless (same name, same content) and atomic. Returns the stored path.
 *
 * The file system calls are synchronous on purpose: imports run in worker threads or the
 * CLI, and one blocking write costs a fraction of the CPU of its chunked async form.
 */
export function putContentSync(cacheDir: string, bytes: Uint8Array, sha256: string, folder: string = storeFolderName): string {
  const target = storedPathFor(cacheDir, sha256, folder);
  writeStaged(cacheDir, folder, sha256, target, (temporary) => fs.writeFileSync(temporary, bytes, { mode: privateFileMode }));
  return target;
}

export async function putContent(cacheDir: string, bytes: Uint8Array, sha256: string, folder: string = storeFolderName): Promise<string> {
  return putContentSync(cacheDir, bytes, sha256, folder);
}

export interface StoredContent {
  readonly path: string;
  /** True when this call wrote the file; false when the store already held that content. */
  readonly created: boolean;
}

/**
 * Stores bytes unless the store already holds a file of that name, which by content
 * addressing is the same content: a re-import writes nothing. The existing file's time is
 * refreshed, so an orphan sweep in another process never takes a file about to be referenced.
 */
export function storeContentIfAbsent(cacheDir: string, bytes: Uint8Array, sha256: string): StoredContent {
  const target = storedPathFor(cacheDir, sha256);
  // A probe that does not throw: building an ENOENT error for every new file costs more than the stat.
  if (fs.statSync(target, { throwIfNoEntry: false }) !== undefined) {
    const now = new Date();
    fs.utimesSync(target, now, now);
    return { path: target, created: false };
  }
  putContentSync(cacheDir, bytes, sha256);
  return { path: target, created: true };
}

/**
 * Stores a staging file that this process wrote and hashed (see newStagingFile) under its
 * checksum, by renaming: no bytes are copied. When the store already holds that content the
 * staging file is simply removed.
 */
export function storeStagedIfAbsent(cacheDir: string, staged: string, sha256: string): StoredContent {
  const target = storedPathFor(cacheDir, sha256);
  if (fs.statSync(target, { throwIfNoEntry: false }) !== undefined) {
    fs.rmSync(staged, { force: true });
    const now = new Date();
    fs.utimesSync(target, now, now);
    return { path: target, created: false };
  }
  ensureFolder(path.dirname(target));
  fs.renameSync(staged, target);
  return { path: target, created: true };
}

/** Moves a stored file into another store folder (a copy made for what turned out to be a conflict); atomic, no bytes copied. */
export function moveStoredContent(cacheDir: string, storedPath: string, sha256: string, folder: string): string {
  const target = storedPathFor(cacheDir, sha256, folder);
  ensureFolder(path.dirname(target));
  fs.renameSync(storedPath, target);
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

/** True unless the system says no process has this id (a pid reused since is taken as alive: its files wait for the age sweep). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

const stagingOwner = /\.(\d+)-\d+-\d+\.part$/;

/**
 * Removes the entries of `folder` whose names say which process wrote them (`ownerOf` reads the
 * process id from a name) and whose process has died; entries of live processes, and names that
 * carry no process id, are left alone. Returns how many were removed.
 */
export function removeEntriesOfDeadProcesses(folder: string, ownerOf: (name: string) => number | undefined): number {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return 0; // no such folder: nothing was ever staged here
  }
  let removed = 0;
  for (const name of names) {
    const owner = ownerOf(name);
    if (owner === undefined || processAlive(owner)) continue;
    fs.rmSync(path.join(folder, name), { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}

/**
 * Removes staging files whose writing process has died (an import killed mid-file): their
 * names carry the writer's process id, so this needs no age limit, and runs whenever the
 * cache opens. Files of live processes (an import running elsewhere) are left alone.
 */
export function removeDeadStaging(cacheDir: string): number {
  const owner = (name: string): number | undefined => {
    const match = stagingOwner.exec(name);
    return match ? Number(match[1]) : undefined;
  };
  return [storeFolderName, conflictsFolderName].reduce((removed, folder) => removed + removeEntriesOfDeadProcesses(path.join(cacheDir, folder, stagingFolderName), owner), 0);
}
