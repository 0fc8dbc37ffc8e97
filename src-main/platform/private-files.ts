import fs from 'node:fs';

/**
 * The cache holds patient data, so what it creates is private to the user whatever the
 * umask: folders 0700, files 0600. Modes are passed at creation (never a window where a
 * file is readable by others); Windows ignores them, and its user profile is private already.
 */
export const privateFolderMode = 0o700;
export const privateFileMode = 0o600;

/** Creates a folder (and any missing parents) private to the user; an existing folder is left as it is. */
export function makePrivateFolder(folder: string): void {
  fs.mkdirSync(folder, { recursive: true, mode: privateFolderMode });
}

/**
 * Makes sure a file that this app owns is private: created empty with the private mode when
 * absent, tightened when an earlier version left it readable by others.
 */
export function ensurePrivateFile(file: string): void {
  const stats = fs.statSync(file, { throwIfNoEntry: false });
  if (stats === undefined) fs.closeSync(fs.openSync(file, 'a', privateFileMode));
  else if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) fs.chmodSync(file, privateFileMode);
}
