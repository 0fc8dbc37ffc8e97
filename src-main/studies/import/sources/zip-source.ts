import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { maxFileBytes, type ImportItem, type ListingFailure } from './import-item';

/**
 * Limits against zip bombs: no single entry, nor the archive as a whole, may inflate beyond
 * these. The sizes an archive declares are checked when it is listed, and the bytes really
 * inflated again while each entry streams to disk, since a crafted archive can lie about them.
 */
export interface ZipLimits {
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
  readonly maxEntries: number;
  /** Uncompressed/compressed; real DICOM rarely passes 20, bombs go past 1000. */
  readonly maxRatio: number;
}

export const defaultZipLimits: ZipLimits = {
  maxEntryBytes: maxFileBytes,
  maxTotalBytes: 64 * 1024 * 1024 * 1024,
  maxEntries: 1_000_000,
  maxRatio: 1000,
};

export interface ZipListing {
  readonly items: ImportItem[];
  readonly failures: ListingFailure[];
  close(): void;
}

function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings: false keeps yauzl from rejecting the whole archive over one odd name; names are checked here.
    yauzl.open(zipPath, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (error, zip) => {
      if (error || !zip) reject(error ?? new Error('cannot open'));
      else resolve(zip);
    });
  });
}

/** A name is unsafe if it could point outside an extraction folder; entries are never written by name, but such names are refused anyway. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.includes('\0')) return 'its name holds a NUL byte';
  const normalized = name.replace(/\\/g, '/');
  if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) return 'its name is an absolute path';
  if (normalized.split('/').includes('..')) return 'its name climbs out of the archive (..)';
  return undefined;
}

/** Only deflate streams past this size are judged by their ratio: tiny entries of zeros are harmless. */
const ratioCheckedFromBytes = 1024 * 1024;

function ratioReason(ratio: number): string {
  return `refused: compression ratio ${Math.round(ratio)}:1 looks like a zip bomb`;
}

/** Counts inflated bytes as they pass and stops the stream at the first bound crossed. */
class InflateBounds extends Transform {
  private inflated = 0;

  constructor(
    private readonly entry: yauzl.Entry,
    private readonly limits: ZipLimits,
    private readonly archiveTotal: { bytes: number },
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.inflated += chunk.length;
    this.archiveTotal.bytes += chunk.length;
    const ratio = this.entry.compressedSize > 0 ? this.inflated / this.entry.compressedSize : Infinity;
    if (this.inflated > this.limits.maxEntryBytes) done(new Error(`refused: inflates beyond the ${this.limits.maxEntryBytes}-byte limit for one entry`));
    else if (this.inflated > ratioCheckedFromBytes && ratio > this.limits.maxRatio) done(new Error(ratioReason(ratio)));
    else if (this.archiveTotal.bytes > this.limits.maxTotalBytes) done(new Error(`refused: the archive inflates beyond ${this.limits.maxTotalBytes} bytes in all`));
    else done(null, chunk);
  }
}

function openEntryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) reject(error ?? new Error('cannot read the entry'));
      else resolve(stream);
    });
  });
}

/** Streams one entry into a new private file, never holding more than a stream's buffers in memory. */
async function extractEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, target: string, limits: ZipLimits, archiveTotal: { bytes: number }): Promise<void> {
  const stream = await openEntryStream(zip, entry);
  try {
    await pipeline(stream, new InflateBounds(entry, limits, archiveTotal), fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    fs.rmSync(target, { force: true });
    throw error;
  }
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) {
        reject(error ?? new Error('cannot read the entry'));
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > limit) {
          stream.destroy(new Error(`inflates beyond ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks, total)));
    });
  });
}

/**
 * Lists a zip's file entries from its central directory; each is streamed to a file on
 * disk (extractTo) only when imported. read() holds an entry in memory, for the rare
 * second look (a conflict set aside), still within the entry's bound.
 */
export async function listZip(zipPath: string, limits: ZipLimits = defaultZipLimits): Promise<ZipListing> {
  const zip = await openZip(zipPath);
  const items: ImportItem[] = [];
  const failures: ListingFailure[] = [];
  let totalBytes = 0;
  const inflatedSoFar = { bytes: 0 };
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const rawName = entry.fileName as unknown as Buffer;
      const name = Buffer.isBuffer(rawName) ? rawName.toString('utf8') : String(rawName);
      const displayPath = `${zipPath}!/${name}`;
      if (!name.endsWith('/')) {
        const unsafe = unsafeEntryName(name);
        const ratio = entry.compressedSize > 0 ? entry.uncompressedSize / entry.compressedSize : entry.uncompressedSize > 0 ? Infinity : 0;
        if (unsafe) failures.push({ path: displayPath, reason: `refused: ${unsafe}` });
        else if (items.length >= limits.maxEntries) failures.push({ path: displayPath, reason: `refused: the archive has more than ${limits.maxEntries} entries` });
        else if (entry.uncompressedSize > limits.maxEntryBytes) failures.push({ path: displayPath, reason: `refused: inflates to ${entry.uncompressedSize} bytes, over the ${limits.maxEntryBytes}-byte limit` });
        else if (entry.uncompressedSize > ratioCheckedFromBytes && ratio > limits.maxRatio) failures.push({ path: displayPath, reason: ratioReason(ratio) });
        else if (totalBytes + entry.uncompressedSize > limits.maxTotalBytes) failures.push({ path: displayPath, reason: `refused: the archive inflates beyond ${limits.maxTotalBytes} bytes in all` });
        else if (path.extname(name).toLowerCase() === '.zip') failures.push({ path: displayPath, reason: 'refused: archives inside archives are not opened; extract it first' });
        else {
          totalBytes += entry.uncompressedSize;
          const limit = entry.uncompressedSize;
          items.push({ displayPath, sizeHint: entry.uncompressedSize, read: () => readEntry(zip, entry, limit), extractTo: (file) => extractEntry(zip, entry, file, limits, inflatedSoFar) });
        }
      }
      zip.readEntry();
    });
    zip.readEntry();
  });
  return { items, failures, close: () => zip.close() };
}
