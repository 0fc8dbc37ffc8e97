/**
 * The Pixel Data element of a Part 10 file, found in the raw bytes so that it is copied to the
 * output exactly as it came. dcmjs re-encodes what it reads, and its writer was seen to damage
 * multi-frame encapsulated pixel data (two RLE frames in the dicomParser corpus decoded short
 * after a round trip), so the pixels never pass through it.
 */
export interface RawPixelElement {
  /** Offset of the element's tag. */
  start: number;
  /** Offset of its value. */
  valueStart: number;
  /** Offset just past its value (or its sequence delimiter, when encapsulated). */
  end: number;
  encapsulated: boolean;
}

const maxCandidates = 64;
const sequenceDelimiter = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
const paddingTag = Buffer.from([0xfc, 0xff, 0xfc, 0xff]);

/** A candidate is the real element only when its length reaches the end of the file (or trailing padding). */
function endsTheFile(bytes: Buffer, end: number): boolean {
  return end === bytes.length || (end < bytes.length && bytes.subarray(end, end + 4).equals(paddingTag));
}

export function locatePixelData(bytes: Buffer, dataStart: number, syntax: { implicit: boolean; bigEndian: boolean }): RawPixelElement | undefined {
  const tag = Buffer.from(syntax.bigEndian ? [0x7f, 0xe0, 0x00, 0x10] : [0xe0, 0x7f, 0x10, 0x00]);
  let searchFrom = bytes.length - 1;
  for (let tries = 0; tries < maxCandidates; tries += 1) {
    const start = bytes.lastIndexOf(tag, searchFrom);
    if (start < dataStart) return undefined;
    searchFrom = start - 1;
    let length: number;
    let valueStart: number;
    if (syntax.implicit) {
      if (start + 8 > bytes.length) continue;
      length = bytes.readUInt32LE(start + 4);
      valueStart = start + 8;
    } else {
      if (start + 12 > bytes.length) continue;
      const vr = bytes.toString('latin1', start + 4, start + 6);
      if (!['OB', 'OW', 'OF', 'UN'].includes(vr) || bytes.readUInt16LE(start + 6) !== 0) continue;
      length = syntax.bigEndian ? bytes.readUInt32BE(start + 8) : bytes.readUInt32LE(start + 8);
      valueStart = start + 12;
    }
    if (length === 0xffffffff) {
      const delimiter = bytes.lastIndexOf(sequenceDelimiter);
      if (delimiter > valueStart && endsTheFile(bytes, delimiter + 8)) return { start, valueStart, end: delimiter + 8, encapsulated: true };
      continue;
    }
    const end = valueStart + length;
    if (endsTheFile(bytes, end)) return { start, valueStart, end, encapsulated: false };
  }
  return undefined;
}

/** Swaps each sample of big-endian native pixel data to little endian, in place. */
export function swapToLittleEndian(pixels: Buffer, bitsAllocated: number): void {
  if (bitsAllocated === 16) pixels.swap16();
  else if (bitsAllocated === 32) pixels.swap32();
  else if (bitsAllocated === 64) pixels.swap64();
}

/** An Explicit VR Little Endian Pixel Data header for a native value of this length. */
export function explicitPixelHeader(vr: 'OB' | 'OW', length: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16LE(0x7fe0, 0);
  header.writeUInt16LE(0x0010, 2);
  header.write(vr, 4, 'latin1');
  header.writeUInt32LE(length, 8);
  return header;
}
