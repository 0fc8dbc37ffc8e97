import fs from 'node:fs';
import { sha256Hex, storeContentIfAbsent, type StoredContent } from '../../store/file-store';
import { extractInstance, type InstanceRecord } from '../extract-instance';
import { NotDicomError, isMediaDirectory, readDicomFile } from '../../../dicom/read-file';
import { openRegularFileSync } from '../sources/file-kind';
import { prepareLargeFile, streamedFromBytes } from './prepare-large-file';

/** One file to prepare: a path to read, or bytes already read (zip entries). Plain data: it crosses threads. */
export interface PrepareTask {
  readonly diskPath?: string;
  readonly bytes?: Uint8Array;
  /** Copy the content into the managed store (copy mode, and zip entries in any mode). */
  readonly storeCopy: boolean;
}

/** One file after the CPU-bound part of its import: read, parsed, checksummed and, in copy mode, stored; no row written yet. */
export type PreparedFile =
  | { kind: 'failed'; reason: string }
  | { kind: 'directory' }
  | { kind: 'instance'; record: InstanceRecord; size: number; sha256: string; stored?: StoredContent }
  /** The cache's store could not be written: the import as a whole must stop. */
  | { kind: 'store-failed'; reason: string };

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Buffers at most this large are kept between files; larger files are streamed (prepare-large-file.ts). */
const reusableBufferLimit = streamedFromBytes;

/**
 * Reads, parses, checksums and stores files one at a time, the same in the import's own
 * thread and in its helper workers. Each file is read once, whole, into a buffer reused
 * from file to file (a fresh buffer per file costs more in page faults than the read), the
 * header is parsed up to the pixel data, and the same bytes are hashed and copied.
 */
export class FilePreparer {
  private buffer = Buffer.allocUnsafe(1024 * 1024);

  constructor(private readonly cacheDir: string) {}

  prepare(task: PrepareTask): PreparedFile {
    let bytes: Uint8Array;
    try {
      if (task.bytes) bytes = task.bytes;
      else {
        const { fd, size } = openRegularFileSync(task.diskPath ?? '');
        try {
          if (size > streamedFromBytes) return prepareLargeFile(this.cacheDir, fd, size, task.storeCopy);
          bytes = this.read(fd, size);
        } finally {
          fs.closeSync(fd);
        }
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'failed', reason: 'the file vanished before it could be read' };
      return { kind: 'failed', reason: /^not a regular file|^too large/.test(reasonOf(error)) ? reasonOf(error) : `cannot read: ${reasonOf(error)}` };
    }
    let record: InstanceRecord;
    try {
      // A DICOMDIR met inside a folder or zip: its files are imported as the walk finds them.
      if (isMediaDirectory(bytes)) return { kind: 'directory' };
      record = extractInstance(readDicomFile(bytes));
    } catch (error) {
      if (error instanceof NotDicomError) return { kind: 'failed', reason: error.message };
      return { kind: 'failed', reason: `cannot be parsed: ${reasonOf(error)}` };
    }
    const sha256 = sha256Hex(bytes);
    if (!task.storeCopy) return { kind: 'instance', record, size: bytes.length, sha256 };
    try {
      return { kind: 'instance', record, size: bytes.length, sha256, stored: storeContentIfAbsent(this.cacheDir, bytes, sha256) };
    } catch (error) {
      return { kind: 'store-failed', reason: reasonOf(error) };
    }
  }

  private read(fd: number, size: number): Uint8Array {
    let target = this.buffer;
    if (size > target.length) {
      target = Buffer.allocUnsafe(size);
      if (size <= reusableBufferLimit) this.buffer = target;
    }
    let filled = 0;
    while (filled < size) {
      const read = fs.readSync(fd, target, filled, size - filled, filled);
      if (read === 0) break; // shrank while being read: what was there is judged as it is
      filled += read;
    }
    return target.subarray(0, filled);
  }
}
