import fs from 'node:fs';
import { dimse } from './dimse-library';

/** Where a Part 10 file's data set starts (after its meta group), or undefined when it has no usable meta header. */
export function datasetOffset(bytes: Buffer): number | undefined {
  if (bytes.length < 144 || bytes.toString('latin1', 128, 132) !== 'DICM') return undefined;
  // (0002,0000) UL group length, explicit VR little endian, right after the magic.
  if (bytes.readUInt16LE(132) !== 0x0002 || bytes.readUInt16LE(134) !== 0x0000 || bytes.toString('latin1', 136, 138) !== 'UL') return undefined;
  return 144 + bytes.readUInt32LE(140);
}

/**
 * A data set that sends a cached file's bytes as they are stored. dcmjs-dimse would otherwise
 * parse the file with dcmjs and write it again, which re-frames encapsulated pixel data and can
 * change private elements; a C-STORE should carry what the cache holds. The parsed elements are
 * read only if the peer accepted another syntax and the library has to transcode.
 */
export class RawFileDataset extends dimse.Dataset {
  private parsed: Record<string, unknown> | undefined;

  constructor(
    private readonly file: string,
    meta: { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string },
  ) {
    super({ SOPClassUID: meta.sopClassUid, SOPInstanceUID: meta.sopInstanceUid }, meta.transferSyntaxUid);
  }

  override getDenaturalizedDataset(): Buffer {
    const bytes = fs.readFileSync(this.file);
    const offset = datasetOffset(bytes);
    if (offset === undefined) throw new Error(`${this.file} has no Part 10 meta header`);
    return bytes.subarray(offset);
  }

  override getElements(): Record<string, unknown> {
    this.parsed ??= dimse.Dataset.fromFile(this.file)?.getElements() ?? {};
    return this.parsed;
  }
}

/** True when the file can be sent as stored: a Part 10 file with a meta group length. */
export function canSendRaw(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(144);
    fs.readSync(fd, head, 0, 144, 0);
    return datasetOffset(Buffer.concat([head, Buffer.alloc(0)])) !== undefined;
  } finally {
    fs.closeSync(fd);
  }
}
