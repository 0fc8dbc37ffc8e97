import fs from 'node:fs';
import type { ImportReport, StorageMode } from '../../../src-shared/domain/imports';
import { conflictsFolderName, moveStoredContent, putContentSync, sha256Hex } from '../store/file-store';
import type { CacheWriter } from './cache-writer';
import type { PreparedFile } from './prepare/prepare-file';
import type { ImportItem } from './sources/import-item';

export type PreparedInstance = Extract<PreparedFile, { kind: 'instance' }>;

const conflictReason = 'the cache already holds this SOP Instance UID with different content; the cached instance was kept and this file set aside';

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Decides what a prepared instance becomes, in import order: a new row, a duplicate, or a
 * conflict set aside. In copy mode the helper has already stored the content (named by its
 * checksum, so this is safe before the decision); a copy that turns out unneeded is removed
 * here unless a row already points at it.
 */
export class InstancePlacer {
  constructor(
    private readonly cacheDir: string,
    private readonly mode: StorageMode,
    private readonly writer: CacheWriter,
    private readonly report: ImportReport,
  ) {}

  async place(item: ImportItem, prepared: PreparedInstance): Promise<void> {
    const { record, sha256, size, stored } = prepared;
    const uid = record.instance.sopInstanceUid;
    const known = this.writer.knownSha256(uid);
    if (known === sha256) {
      this.report.duplicates += 1;
      this.discardUnused(prepared);
      return;
    }
    if (known !== undefined) {
      await this.setAside(item, prepared, known);
      return;
    }
    // Zip entries have no place on disk to link to, so they are always copied.
    if (this.mode === 'link' && item.diskPath !== undefined) {
      this.writer.add(record, { filePath: item.diskPath, storageMode: 'link', size, sha256 });
      return;
    }
    if (!stored) throw new Error(`cannot write to the cache's store: ${item.displayPath} was not stored`);
    this.writer.add(record, { filePath: stored.path, storageMode: 'copy', size, sha256 });
  }

  /** Removes a store copy made for a file that did not become a row (on a duplicate, a conflict, or an import that stopped). */
  discardUnused(prepared: PreparedInstance): void {
    if (!prepared.stored?.created || this.writer.references(prepared.stored.path)) return;
    fs.rmSync(prepared.stored.path, { force: true });
  }

  private async setAside(item: ImportItem, prepared: PreparedInstance, cachedSha256: string): Promise<void> {
    const { sha256, size } = prepared;
    const uid = prepared.record.instance.sopInstanceUid;
    let keptPath: string;
    try {
      keptPath = this.moveOwnCopy(prepared) ?? (await this.copyFromSource(item, sha256));
    } catch (error) {
      this.discardUnused(prepared);
      this.report.failed.push({ path: item.displayPath, reason: `conflicts with the cached instance ${uid}, and cannot be set aside: ${reasonOf(error)}` });
      return;
    }
    this.writer.addConflict({ sopInstanceUid: uid, sourcePath: item.displayPath, keptPath, size, sha256, cachedSha256 });
    this.report.conflicts.push({ path: item.displayPath, sopInstanceUid: uid, reason: conflictReason });
  }

  /** The store copy this import made of the conflicting content, moved to the conflicts folder; undefined when there is none to move. */
  private moveOwnCopy(prepared: PreparedInstance): string | undefined {
    const { stored, sha256 } = prepared;
    if (!stored?.created || this.writer.references(stored.path)) return undefined;
    try {
      return moveStoredContent(this.cacheDir, stored.path, sha256, conflictsFolderName);
    } catch {
      return undefined; // gone meanwhile (an earlier copy of the same content was set aside first)
    }
  }

  /** Reads the file again (the prepared bytes were not kept) and writes it from memory; the checksum must still match. */
  private async copyFromSource(item: ImportItem, sha256: string): Promise<string> {
    const bytes = await item.read();
    if (sha256Hex(bytes) !== sha256) throw new Error('its content changed while it was being imported');
    return putContentSync(this.cacheDir, bytes, sha256, conflictsFolderName);
  }
}
