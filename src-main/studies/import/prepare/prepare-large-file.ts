import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { newStagingFile, storeStagedIfAbsent } from '../../store/file-store';
import { extractInstance, type InstanceRecord } from '../extract-instance';
import { NotDicomError, isMediaDirectory, readDicomFile, type FileBeyondHead } from '../../../dicom/read-file';
import type { PreparedFile } from './prepare-file';

/**
 * Files above this size are never read whole: their header is parsed from their first
 * bytes, and they are hashed and copied in chunks. With a reusable buffer of at most this
 * size per thread, one import holds about twice this per preparing thread, whatever it
 * imports (an upload, a zip, a 2 GB multi-frame).
 */
export const streamedFromBytes = 16 * 1024 * 1024;
/** How much of a large file is read for its header: everything before the pixel data must lie in it. */
const headBytes = streamedFromBytes;
const chunkBytes = 1024 * 1024;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const read = fs.readSync(fd, buffer, filled, length - filled, position + filled);
    if (read === 0) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}

/** Reads the open file once, in chunks, hashing it and (when `copyTo` is given) writing each chunk there. */
function hashAndCopy(fd: number, size: number, copyTo: number | undefined): { sha256: string; size: number } {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(chunkBytes);
  let position = 0;
  for (;;) {
    const read = fs.readSync(fd, chunk, 0, chunkBytes, position);
    if (read === 0) break;
    const piece = chunk.subarray(0, read);
    hash.update(piece);
    if (copyTo !== undefined) {
      let written = 0;
      while (written < read) written += fs.writeSync(copyTo, piece, written, read - written);
    }
    position += read;
  }
  return { sha256: hash.digest('hex'), size: position || size };
}

/**
 * Prepares one large, already opened regular file (see streamedFromBytes): parse the header
 * from the head, then hash it and, in copy mode, copy it into a staging file in the same
 * pass, stored by its checksum. What is stored is exactly what was hashed.
 */
export function prepareLargeFile(cacheDir: string, fd: number, size: number, storeCopy: boolean): PreparedFile {
  const head = readExactly(fd, Math.min(headBytes, size), 0);
  const rest: FileBeyondHead = { length: size, readAt: (position, length) => readExactly(fd, length, position) };
  let record: InstanceRecord;
  try {
    if (isMediaDirectory(head)) return { kind: 'directory' };
    record = extractInstance(readDicomFile(head, rest));
  } catch (error) {
    const reason = error instanceof NotDicomError ? error.message : `cannot be parsed: ${reasonOf(error)}`;
    if (/truncated or corrupt: the file ends inside an element/.test(reason)) {
      return { kind: 'failed', reason: `its header (everything before the pixel data) does not lie within the first ${headBytes / (1024 * 1024)} MB, which is all the import reads of a large file's header, or it is corrupt` };
    }
    return { kind: 'failed', reason };
  }
  if (!storeCopy) return { kind: 'instance', record, ...hashAndCopy(fd, size, undefined) };
  let staged: string | undefined;
  try {
    staged = newStagingFile(cacheDir, 'large');
    const out = fs.openSync(staged, 'wx', 0o600);
    let copied: { sha256: string; size: number };
    try {
      copied = hashAndCopy(fd, size, out);
    } finally {
      fs.closeSync(out);
    }
    return { kind: 'instance', record, ...copied, stored: storeStagedIfAbsent(cacheDir, staged, copied.sha256) };
  } catch (error) {
    if (staged !== undefined) fs.rmSync(staged, { force: true });
    return { kind: 'store-failed', reason: reasonOf(error) };
  }
}
