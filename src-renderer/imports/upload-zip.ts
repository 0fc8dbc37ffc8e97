/**
 * Several files (or a folder) picked in the browser become one stored (uncompressed) zip,
 * so they travel as one upload and import as one batch with one report, exactly as a zip
 * made by hand would. DICOM rarely compresses well and the host streams entries to disk,
 * so storing is enough. The bytes stay the user's files: entries are Blob slices, and each
 * file is read once, only to compute its CRC-32.
 */

/** Zip's classic limits (no Zip64): beyond them the user is asked to zip the folder. */
export const maxZipEntries = 65_000;
export const maxZipBytes = 0xffff_fff0;

export interface PickedFile {
  /** The path within the picked folder (webkitRelativePath), else the file's name. */
  name: string;
  file: Blob;
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array, crc = 0xffff_ffff): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb8_8320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let value = crc;
  for (const byte of bytes) value = (crcTable[(value ^ byte) & 0xff] ?? 0) ^ (value >>> 8);
  return value >>> 0;
}

async function crcOf(file: Blob): Promise<number> {
  let crc = 0xffff_ffff;
  // In slices, so a large file is never held whole.
  for (let offset = 0; offset < file.size; offset += 8 * 2 ** 20) {
    crc = crc32(new Uint8Array(await file.slice(offset, offset + 8 * 2 ** 20).arrayBuffer()), crc);
  }
  return (crc ^ 0xffff_ffff) >>> 0;
}

function header(size: number, write: (view: DataView) => void): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  write(new DataView(bytes.buffer));
  return bytes;
}

/** One zip of the picked files, or an error saying why not (too many, too large). */
export async function zipPickedFiles(files: readonly PickedFile[]): Promise<Blob> {
  const total = files.reduce((sum, picked) => sum + picked.file.size, 0);
  if (files.length > maxZipEntries || total > maxZipBytes) {
    throw new Error(`${files.length} files of ${Math.round(total / 2 ** 20)} MB are more than one upload takes (${maxZipEntries} files, 4 GB): zip the folder first, or upload it in parts.`);
  }
  const encoder = new TextEncoder();
  const parts: BlobPart[] = [];
  const central: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  for (const picked of files) {
    const name = encoder.encode(picked.name.replace(/^\/+/, ''));
    const crc = await crcOf(picked.file);
    const size = picked.file.size;
    // Local file header (PS: APPNOTE 4.3.7): stored, UTF-8 names (flag bit 11).
    parts.push(
      header(30, (v) => {
        v.setUint32(0, 0x0403_4b50, true);
        v.setUint16(4, 20, true);
        v.setUint16(6, 0x0800, true);
        v.setUint32(14, crc, true);
        v.setUint32(18, size, true);
        v.setUint32(22, size, true);
        v.setUint16(26, name.length, true);
      }),
      name,
      picked.file,
    );
    const localOffset = offset;
    central.push(
      header(46, (v) => {
        v.setUint32(0, 0x0201_4b50, true);
        v.setUint16(4, 20, true);
        v.setUint16(6, 20, true);
        v.setUint16(8, 0x0800, true);
        v.setUint32(16, crc, true);
        v.setUint32(20, size, true);
        v.setUint32(24, size, true);
        v.setUint16(28, name.length, true);
        v.setUint32(42, localOffset, true);
      }),
      name,
    );
    offset += 30 + name.length + size;
  }
  const centralSize = central.reduce((sum, part) => sum + part.length, 0);
  const end = header(22, (v) => {
    v.setUint32(0, 0x0605_4b50, true);
    v.setUint16(8, files.length, true);
    v.setUint16(10, files.length, true);
    v.setUint32(12, centralSize, true);
    v.setUint32(16, offset, true);
  });
  return new Blob([...parts, ...central, end], { type: 'application/zip' });
}
