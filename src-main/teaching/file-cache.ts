import fs from 'node:fs';

/**
 * The session store's files in memory, least recently used out first, up to a byte bound.
 * A class loads the same series thirty times over, and a session store never changes while
 * it is served, so after the first student every slice is one write from memory instead of
 * a file opened and streamed in chunks through the thread pool.
 */
export class StoreFileCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = 256 * 1024 * 1024, private readonly maxFileBytes = 16 * 1024 * 1024) {}

  /** The file's bytes, or undefined for a file too large to keep (the caller streams it instead). */
  read(filePath: string): Buffer | undefined {
    const cached = this.entries.get(filePath);
    if (cached !== undefined) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(filePath);
      this.entries.set(filePath, cached);
      return cached;
    }
    let bytes: Buffer;
    try {
      if (fs.statSync(filePath).size > this.maxFileBytes) return undefined;
      bytes = fs.readFileSync(filePath);
    } catch {
      return undefined; // gone or unreadable: the caller's stream answers with the reason
    }
    this.entries.set(filePath, bytes);
    this.bytes += bytes.length;
    while (this.bytes > this.maxBytes) {
      const [oldest, buffer] = this.entries.entries().next().value as [string, Buffer];
      this.entries.delete(oldest);
      this.bytes -= buffer.length;
    }
    return bytes;
  }
}
