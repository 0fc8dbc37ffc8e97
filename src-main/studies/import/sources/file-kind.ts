import fs from 'node:fs';
import { maxFileBytes } from './import-item';

/**
 * Import reads only regular files. A FIFO opened for reading blocks its thread until a
 * writer comes (four of them exhaust libuv's thread pool), a device can be endless, a
 * socket cannot be opened at all; so each path is judged by its kind before it is opened,
 * and opened without blocking so that one swapped in after the check cannot block either.
 */
export function specialKind(stats: fs.Stats | fs.Dirent): string | undefined {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return undefined;
}

export function notRegularReason(kind: string): string {
  return `not a regular file: ${kind}; not opened`;
}

/** Why a path could not be followed, in words; symbolic link trouble named as such. */
export function linkTroubleReason(filePath: string, error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ELOOP') return 'a symbolic link loop; not followed';
  if (code === 'ENOENT') {
    const link = fs.lstatSync(filePath, { throwIfNoEntry: false });
    if (link?.isSymbolicLink()) return `a dangling symbolic link (its target ${fs.readlinkSync(filePath)} does not exist)`;
  }
  return undefined;
}

/** The file's kind, following links; throws with link trouble or a special kind as the reason. */
export async function statRegularOrFolder(filePath: string): Promise<fs.Stats> {
  let stats: fs.Stats;
  try {
    stats = await fs.promises.stat(filePath);
  } catch (error) {
    const reason = linkTroubleReason(filePath, error);
    if (reason) throw new Error(reason);
    throw error;
  }
  const kind = specialKind(stats);
  if (kind) throw new Error(notRegularReason(kind));
  return stats;
}

const nonBlockingRead = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Opens a path for reading only if it is a regular file, without ever blocking on the
 * open itself; returns the descriptor and the file's size. The caller closes it.
 */
export function openRegularFileSync(filePath: string): { fd: number; size: number } {
  const fd = fs.openSync(filePath, nonBlockingRead);
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) throw new Error(notRegularReason(specialKind(stats) ?? 'a folder'));
    if (stats.size > maxFileBytes) throw new Error(`too large to import (${stats.size} bytes)`);
    return { fd, size: stats.size };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/** Reads a regular file whole (see openRegularFileSync). */
export function readRegularFileSync(filePath: string): Buffer {
  const { fd } = openRegularFileSync(filePath);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The first bytes of a regular file, for sniffing its format. */
export function readRegularHeadSync(filePath: string, length: number): Buffer {
  const { fd, size } = openRegularFileSync(filePath);
  try {
    const buffer = Buffer.alloc(Math.min(length, size));
    const bytesRead = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    fs.closeSync(fd);
  }
}
