import fs from 'node:fs/promises';
import { fileRoutes, type Role } from '../../src-shared/contract';
import { lookupCacheFile } from '../host/file-routes';
import type { FileAnswer } from '../host/http-answer';
import { redactedInstanceBytes } from './case-redaction';

export interface SessionFilesOptions {
  /** The session store's file for an instance; nothing outside the store resolves. */
  resolveInstanceFile(sopInstanceUid: string): string | undefined;
  /** Whether students get this instance redacted now (its case is unknown and not yet revealed). */
  hiddenFromStudents(sopInstanceUid: string): boolean;
  /** Bytes kept in memory at most (originals and redacted copies together). */
  readonly maxBytes?: number;
  /** Larger files are not kept: an original is streamed from disk, a redacted copy made each time. */
  readonly maxFileBytes?: number;
}

interface Found {
  readonly uid: string;
  readonly filePath: string;
}

/**
 * /files/ of a classroom: the session store's instances, as each role may see them.
 *
 * A class loads the same series thirty times over, and a session store never changes while
 * it is served, so each answer is worked out once: the request path's lookup (a SQLite query
 * and a stat), the file's bytes (read off the event loop) and, for an unknown case, the
 * students' redacted copy. After the first student, a slice is one write from memory. Bytes
 * are kept least recently used out first, up to a bound; a file read at the same time by
 * several students is read once.
 */
export class SessionFiles {
  private readonly found = new Map<string, Found>();
  private readonly bytes = new Map<string, Promise<Buffer | undefined>>();
  private readonly sizes = new Map<string, number>();
  private heldBytes = 0;
  private readonly maxBytes: number;
  private readonly maxFileBytes: number;

  constructor(private readonly options: SessionFilesOptions) {
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    this.maxFileBytes = options.maxFileBytes ?? 16 * 1024 * 1024;
  }

  /** Bytes held in memory now. */
  get held(): number {
    return this.heldBytes;
  }

  async answer(role: Role, requestPath: string): Promise<FileAnswer> {
    const found = this.lookup(requestPath);
    if ('status' in found) return found;
    const hidden = role === 'student' && this.options.hiddenFromStudents(found.uid);
    const original = await this.remembered(`original ${found.uid}`, () => this.readSmall(found.filePath));
    if (!hidden) {
      // Too large to keep (or gone since the lookup): streamed from disk, which reports a failure itself.
      return original === undefined ? { status: 200, filePath: found.filePath, contentType: 'application/dicom' } : { status: 200, body: original, contentType: 'application/dicom' };
    }
    const whole = original ?? (await fs.readFile(found.filePath).catch(() => undefined));
    if (whole === undefined) return { status: 404, message: 'The instance is in the session, but its file could not be read.' };
    if (original === undefined) return redactedInstanceBytes(whole, found.uid);
    let refused: FileAnswer | undefined;
    const redacted = await this.remembered(`redacted ${found.uid}`, async () => {
      const made = redactedInstanceBytes(whole, found.uid);
      if (made.status === 200 && 'body' in made) return made.body;
      refused = made;
      return undefined;
    });
    if (redacted !== undefined) return { status: 200, body: redacted, contentType: 'application/dicom' };
    // Not kept (a deflated or unreadable file): worked out again, so the reason is told every time.
    return refused ?? redactedInstanceBytes(whole, found.uid);
  }

  /** Forgets everything kept (the session has ended). */
  clear(): void {
    this.found.clear();
    this.bytes.clear();
    this.sizes.clear();
    this.heldBytes = 0;
  }

  /** The request path's instance, resolved once per canonical path (a session store never changes). */
  private lookup(requestPath: string): Found | Exclude<FileAnswer, { status: 200 }> {
    const known = this.found.get(requestPath);
    if (known !== undefined) return known;
    const lookup = lookupCacheFile(requestPath, (uid) => this.options.resolveInstanceFile(uid));
    if (lookup.status !== 200) return lookup;
    const uid = decodeURIComponent(requestPath).slice(fileRoutes.instance.length);
    const found = { uid, filePath: lookup.filePath };
    // Only the canonical spelling is kept, so percent-encoded variants cannot grow the map.
    if (requestPath === `${fileRoutes.instance}${uid}`) this.found.set(requestPath, found);
    return found;
  }

  private async readSmall(filePath: string): Promise<Buffer | undefined> {
    try {
      if ((await fs.stat(filePath)).size > this.maxFileBytes) return undefined;
      return await fs.readFile(filePath);
    } catch {
      return undefined; // gone or unreadable: the caller says so
    }
  }

  /** The bytes under a key, made once; undefined (too large, unreadable) is not kept. */
  private remembered(key: string, make: () => Promise<Buffer | undefined>): Promise<Buffer | undefined> {
    const kept = this.bytes.get(key);
    if (kept !== undefined) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.bytes.delete(key);
      this.bytes.set(key, kept);
      return kept;
    }
    const made = make().then((bytes) => {
      if (this.bytes.get(key) !== made) return bytes; // evicted meanwhile
      if (bytes === undefined) this.bytes.delete(key);
      else this.account(key, bytes.length);
      return bytes;
    });
    this.bytes.set(key, made);
    return made;
  }

  private account(key: string, size: number): void {
    this.sizes.set(key, size);
    this.heldBytes += size;
    for (const oldest of this.bytes.keys()) {
      if (this.heldBytes <= this.maxBytes) break;
      const oldestSize = this.sizes.get(oldest);
      if (oldestSize === undefined) continue; // still being read
      this.bytes.delete(oldest);
      this.sizes.delete(oldest);
      this.heldBytes -= oldestSize;
    }
  }
}
