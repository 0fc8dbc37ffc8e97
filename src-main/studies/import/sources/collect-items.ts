import fs from 'node:fs';
import path from 'node:path';
import { isMediaDirectory } from '../../../dicom/read-file';
import { referencedFileIds } from './dicomdir';
import { linkTroubleReason, notRegularReason, readRegularFileSync, readRegularHeadSync, specialKind, statRegularOrFolder } from './file-kind';
import type { ImportItem, ListingFailure } from './import-item';
import { listZip } from './zip-source';

export interface CollectedItems {
  readonly items: ImportItem[];
  readonly failures: ListingFailure[];
  /** Releases open archives; call when the import is done with the items. */
  close(): void;
}

function diskItem(filePath: string): ImportItem {
  return {
    displayPath: filePath,
    diskPath: filePath,
    // Synchronous on purpose: imports run in a worker thread or the CLI, where blocking is
    // harmless, and one call costs far fewer thread-pool round trips than its async form.
    read: async () => readRegularFileSync(filePath),
  };
}

function reasonOf(error: unknown, filePath?: string): string {
  const linkTrouble = filePath === undefined ? undefined : linkTroubleReason(filePath, error);
  if (linkTrouble) return linkTrouble;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** Resolves a Referenced File ID against the DICOMDIR's folder, forgiving case (media are often written upper-case, copied lower-case). */
function resolveFileId(root: string, fileId: string): string | undefined {
  let current = root;
  for (const component of fileId.split('\\')) {
    const direct = path.join(current, component);
    if (fs.existsSync(direct)) {
      current = direct;
      continue;
    }
    let names: string[];
    try {
      names = fs.readdirSync(current);
    } catch {
      return undefined;
    }
    const match = names.find((name) => name.toLowerCase() === component.toLowerCase());
    if (!match) return undefined;
    current = path.join(current, match);
  }
  return current;
}

/**
 * Expands the user's paths into the files to import: folders recursively, a DICOMDIR
 * into the files it references, a zip into its entries. Paths that cannot be listed
 * become failures; listing never throws for one bad path.
 */
export async function collectItems(paths: readonly string[]): Promise<CollectedItems> {
  const items: ImportItem[] = [];
  const failures: ListingFailure[] = [];
  const closers: Array<() => void> = [];
  const seen = new Set<string>();

  const addFile = (filePath: string) => {
    const key = path.resolve(filePath);
    if (seen.has(key)) return;
    seen.add(key);
    items.push(diskItem(key));
  };

  const addZip = async (zipPath: string) => {
    try {
      const listing = await listZip(zipPath);
      items.push(...listing.items);
      failures.push(...listing.failures);
      closers.push(listing.close);
    } catch (error) {
      failures.push({ path: zipPath, reason: `not a readable zip archive: ${reasonOf(error)}` });
    }
  };

  const addDicomdir = async (dicomdirPath: string) => {
    addFile(dicomdirPath);
    const bytes = readRegularFileSync(dicomdirPath);
    const root = path.dirname(dicomdirPath);
    for (const fileId of referencedFileIds(bytes)) {
      const resolved = resolveFileId(root, fileId);
      if (resolved) addFile(resolved);
      else failures.push({ path: path.join(root, ...fileId.split('\\')), reason: `referenced by ${path.basename(dicomdirPath)} but missing` });
    }
  };

  const walk = async (folder: string, visited: Set<string>) => {
    const real = await fs.promises.realpath(folder);
    if (visited.has(real)) {
      failures.push({ path: folder, reason: 'a symbolic link to a folder already being imported (a link loop, or a second way in); not followed again' });
      return;
    }
    visited.add(real);
    const entries = await fs.promises.readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      // Hidden files (.DS_Store, macOS "._" forks) are never DICOM; listing them would only add noise.
      if (entry.name.startsWith('.')) continue;
      const full = path.join(folder, entry.name);
      try {
        // Judged by kind before anything is opened: see file-kind.ts.
        const stats = entry.isSymbolicLink() ? await statRegularOrFolder(full) : entry;
        const kind = specialKind(stats);
        if (kind) failures.push({ path: full, reason: notRegularReason(kind) });
        else if (stats.isDirectory()) await walk(full, visited);
        else if (path.extname(entry.name).toLowerCase() === '.zip') await addZip(full);
        else if (stats.isFile()) addFile(full);
      } catch (error) {
        failures.push({ path: full, reason: reasonOf(error, full) });
      }
    }
  };

  for (const given of paths) {
    const absolute = path.resolve(given);
    try {
      const stat = await statRegularOrFolder(absolute);
      if (stat.isDirectory()) await walk(absolute, new Set());
      else {
        const head = readRegularHeadSync(absolute, 4096);
        const zipMagic = head.length >= 4 && head.readUInt32LE(0) === 0x04034b50;
        if (zipMagic || path.extname(absolute).toLowerCase() === '.zip') await addZip(absolute);
        else if (isMediaDirectory(head)) await addDicomdir(absolute);
        else addFile(absolute);
      }
    } catch (error) {
      failures.push({ path: absolute, reason: reasonOf(error, absolute) });
    }
  }
  return { items, failures, close: () => closers.forEach((close) => close()) };
}
