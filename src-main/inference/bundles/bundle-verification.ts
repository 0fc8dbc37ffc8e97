import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BundleManifest } from '../../../src-shared/inference/manifest';

interface FileStamp {
  mtimeMs: number;
  bytes: number;
}

/** A verified file: it matched its manifest entry when it had this mtime and size. */
interface VerifiedEntry extends FileStamp {
  sha256: string;
}

async function sha256Of(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  // Streamed, so a large graph never sits whole in memory and the event loop keeps turning.
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Checks every file a manifest lists against its size and SHA-256. Hashing is done once
 * per file: the result is remembered by path, mtime and size (in memory and, when a
 * store path is given, on disk), so a restart or a second listing does not re-read
 * hundreds of megabytes. Any change to mtime or size forces a new hash.
 */
export class BundleVerifier {
  private readonly verified = new Map<string, VerifiedEntry>();
  private loaded = false;

  constructor(private readonly storePath?: string) {}

  private async load(): Promise<void> {
    if (this.loaded || !this.storePath) return;
    this.loaded = true;
    try {
      const stored = JSON.parse(await fs.readFile(this.storePath, 'utf8')) as Record<string, VerifiedEntry>;
      for (const [file, entry] of Object.entries(stored)) {
        if (typeof entry?.sha256 === 'string' && typeof entry.mtimeMs === 'number' && typeof entry.bytes === 'number') this.verified.set(file, entry);
      }
    } catch {
      // No store yet, or an unreadable one: verify from scratch.
    }
  }

  private async save(): Promise<void> {
    if (!this.storePath) return;
    try {
      await fs.mkdir(path.dirname(this.storePath), { recursive: true });
      const partial = `${this.storePath}.partial`;
      await fs.writeFile(partial, JSON.stringify(Object.fromEntries(this.verified)));
      await fs.rename(partial, this.storePath);
    } catch {
      // The store only saves time; failing to write it costs a re-hash next start.
    }
  }

  /** Every problem found, in words; an empty list means the bundle's files are intact. */
  async verify(bundleDir: string, manifest: BundleManifest): Promise<string[]> {
    await this.load();
    const problems: string[] = [];
    let changed = false;
    for (const file of manifest.files) {
      const filePath = path.join(bundleDir, file.path);
      let stat;
      try {
        stat = await fs.stat(filePath);
      } catch {
        problems.push(`${file.path} is missing`);
        continue;
      }
      if (!stat.isFile()) {
        problems.push(`${file.path} is not a file`);
        continue;
      }
      if (stat.size !== file.bytes) {
        problems.push(`${file.path} has ${stat.size} bytes; the manifest says ${file.bytes} (incomplete or altered)`);
        continue;
      }
      const known = this.verified.get(filePath);
      if (known && known.mtimeMs === stat.mtimeMs && known.bytes === stat.size && known.sha256 === file.sha256) continue;
      const actual = await sha256Of(filePath);
      if (actual !== file.sha256) {
        problems.push(`${file.path} does not match its SHA-256 in the manifest (altered or corrupted)`);
        this.verified.delete(filePath);
        changed = true;
        continue;
      }
      this.verified.set(filePath, { mtimeMs: stat.mtimeMs, bytes: stat.size, sha256: actual });
      changed = true;
    }
    if (changed) await this.save();
    return problems;
  }
}
