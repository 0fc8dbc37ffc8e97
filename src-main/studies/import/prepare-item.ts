import { sha256Hex } from '../store/file-store';
import { extractInstance, type InstanceRecord } from './parse/extract-instance';
import { NotDicomError, isMediaDirectory, readDicomFile } from './parse/read-dataset';
import type { ImportItem } from './sources/import-item';

/** One file after the CPU-bound part of its import: read, parsed and checksummed, nothing written yet. */
export type PreparedItem =
  | { kind: 'failed'; reason: string }
  | { kind: 'directory' }
  | { kind: 'instance'; record: InstanceRecord; bytes: Buffer; sha256: string };

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function prepareItem(item: ImportItem): Promise<PreparedItem> {
  let bytes: Buffer;
  try {
    bytes = await item.read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { kind: 'failed', reason: code === 'ENOENT' ? 'the file vanished before it could be read' : `cannot read: ${reasonOf(error)}` };
  }
  try {
    // A DICOMDIR met inside a folder or zip: its files are imported as the walk finds them.
    if (isMediaDirectory(bytes)) return { kind: 'directory' };
    const record = extractInstance(readDicomFile(bytes));
    return { kind: 'instance', record, bytes, sha256: sha256Hex(bytes) };
  } catch (error) {
    if (error instanceof NotDicomError) return { kind: 'failed', reason: error.message };
    return { kind: 'failed', reason: `cannot be parsed: ${reasonOf(error)}` };
  }
}
