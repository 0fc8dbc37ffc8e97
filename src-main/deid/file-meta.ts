/** The parts of a Part 10 file's header that decide how its data set is encoded. */
export interface FileLayout {
  transferSyntaxUid: string;
  /** Offset of the first data set element, just past the file meta information. */
  dataStart: number;
}

const longLengthVrs = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

/** Reads the file meta group (always Explicit VR Little Endian), or undefined when it is not a Part 10 file. */
export function readFileLayout(bytes: Buffer): FileLayout | undefined {
  if (bytes.length < 144 || bytes.toString('latin1', 128, 132) !== 'DICM') return undefined;
  let offset = 132;
  let transferSyntaxUid: string | undefined;
  while (offset + 8 <= bytes.length && bytes.readUInt16LE(offset) === 0x0002) {
    const element = bytes.readUInt16LE(offset + 2);
    const vr = bytes.toString('latin1', offset + 4, offset + 6);
    let length: number;
    let valueStart: number;
    if (longLengthVrs.has(vr)) {
      length = bytes.readUInt32LE(offset + 8);
      valueStart = offset + 12;
    } else {
      length = bytes.readUInt16LE(offset + 6);
      valueStart = offset + 8;
    }
    if (valueStart + length > bytes.length) return undefined;
    if (element === 0x0010) transferSyntaxUid = bytes.toString('latin1', valueStart, valueStart + length).replace(/[\0 ]+$/, '');
    offset = valueStart + length;
  }
  return transferSyntaxUid ? { transferSyntaxUid, dataStart: offset } : undefined;
}
