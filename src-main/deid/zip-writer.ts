import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * Writes a zip archive (PKWARE APPNOTE, no ZIP64) of files under rootDir, each deflated when
 * that makes it smaller and stored otherwise. The archive is written beside its final name and
 * renamed when complete, so a failure never leaves a half archive under that name. Entries
 * are read one at a time; the archive itself is streamed to disk.
 */

const maxClassicSize = 0xffffffff;
const maxClassicEntries = 0xffff;

interface CentralEntry {
  name: Buffer;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  time: number;
  date: number;
}

/** MS-DOS date and time fields, local time (what unzip tools show). */
function dosDateTime(when: Date): { time: number; date: number } {
  const year = Math.max(1980, when.getFullYear());
  return {
    time: (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate(),
  };
}

function localHeader(entry: CentralEntry): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  header.writeUInt16LE(0x0800, 6); // names are UTF-8
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(entry.time, 10);
  header.writeUInt16LE(entry.date, 12);
  header.writeUInt32LE(entry.crc, 14);
  header.writeUInt32LE(entry.compressedSize, 18);
  header.writeUInt32LE(entry.size, 22);
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, entry.name]);
}

function centralHeader(entry: CentralEntry): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
  header.writeUInt16LE(20, 6);
  header.writeUInt16LE(0x0800, 8);
  header.writeUInt16LE(entry.method, 10);
  header.writeUInt16LE(entry.time, 12);
  header.writeUInt16LE(entry.date, 14);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(entry.compressedSize, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt32LE(((0o100644 << 16) >>> 0), 38); // a regular file, rw-r--r--
  header.writeUInt32LE(entry.offset, 42);
  return Buffer.concat([header, entry.name]);
}

export interface ZipResult {
  entries: number;
  bytes: number;
}

/** Zips rootDir/relative for each relative path (names use "/" whatever the platform). */
export function writeZip(targetFile: string, rootDir: string, relativeFiles: readonly string[]): ZipResult {
  if (relativeFiles.length > maxClassicEntries) throw new Error(`too many files for a zip archive without ZIP64 (${relativeFiles.length}); write to a folder instead`);
  const partial = `${targetFile}.partial`;
  const fd = fs.openSync(partial, 'w', 0o600);
  let open = true;
  const central: CentralEntry[] = [];
  let offset = 0;
  const write = (bytes: Buffer) => {
    fs.writeSync(fd, bytes);
    offset += bytes.length;
  };
  try {
    const { time, date } = dosDateTime(new Date());
    for (const relative of relativeFiles) {
      const data = fs.readFileSync(path.join(rootDir, relative));
      const deflated = zlib.deflateRawSync(data, { level: 6 });
      const stored = deflated.length >= data.length;
      const entry: CentralEntry = {
        name: Buffer.from(relative.split(path.sep).join('/'), 'utf8'),
        method: stored ? 0 : 8,
        crc: zlib.crc32(data) >>> 0,
        compressedSize: stored ? data.length : deflated.length,
        size: data.length,
        offset,
        time,
        date,
      };
      if (entry.size > maxClassicSize || offset + entry.compressedSize > maxClassicSize) throw new Error('the archive would exceed 4 GB, the limit of a zip without ZIP64; write to a folder instead');
      central.push(entry);
      write(localHeader(entry));
      write(stored ? data : deflated);
    }
    const centralStart = offset;
    for (const entry of central) write(centralHeader(entry));
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(central.length, 8);
    end.writeUInt16LE(central.length, 10);
    end.writeUInt32LE(offset - centralStart, 12);
    end.writeUInt32LE(centralStart, 16);
    write(end);
    open = false;
    fs.closeSync(fd);
    fs.renameSync(partial, targetFile);
    return { entries: central.length, bytes: offset };
  } catch (error) {
    if (open) fs.closeSync(fd);
    fs.rmSync(partial, { force: true });
    throw error;
  }
}
