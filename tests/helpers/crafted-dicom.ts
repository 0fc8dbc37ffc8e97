/**
 * Hostile DICOM files built byte by byte in explicit VR little endian, for the tests of
 * the import's input bounds. Built here rather than with the code under test, so a bug in
 * the app's parser cannot hide in its own fixtures.
 */

/** One explicit VR little endian element, its value padded to even length as its VR requires. */
export function element(group: number, number: number, vr: string, value: Buffer): Buffer {
  const padded = value.length % 2 === 0 ? value : Buffer.concat([value, Buffer.from(vr === 'UI' ? [0] : [0x20])]);
  const longForm = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
  const header = Buffer.alloc(longForm ? 12 : 8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(number, 2);
  header.write(vr, 4, 'latin1');
  if (longForm) header.writeUInt32LE(padded.length, 8);
  else header.writeUInt16LE(padded.length, 6);
  return Buffer.concat([header, padded]);
}

export const text = (group: number, number: number, vr: string, value: string) => element(group, number, vr, Buffer.from(value, 'latin1'));

function tagOnly(group: number, number: number, length: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt16LE(group, 0);
  bytes.writeUInt16LE(number, 2);
  bytes.writeUInt32LE(length, 4);
  return bytes;
}

/** A sequence (ContentSequence) of one item holding the same sequence, `depth` levels deep, all with undefined lengths. */
export function nestedSequence(depth: number): Buffer {
  const open: Buffer[] = [];
  const close: Buffer[] = [];
  for (let level = 0; level < depth; level += 1) {
    const header = Buffer.alloc(12);
    header.writeUInt16LE(0x0040, 0);
    header.writeUInt16LE(0xa730, 2);
    header.write('SQ', 4, 'latin1');
    header.writeUInt32LE(0xffffffff, 8);
    open.push(header, tagOnly(0xfffe, 0xe000, 0xffffffff));
    close.push(tagOnly(0xfffe, 0xe00d, 0), tagOnly(0xfffe, 0xe0dd, 0));
  }
  return Buffer.concat([...open, ...close.reverse()]);
}

export interface CraftedInstance {
  readonly sopInstanceUid: string;
  readonly studyInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  /** Raw bytes inserted between the series elements and the pixel data (elements must stay in tag order). */
  readonly middle?: Buffer;
  /** Least size of a zero-filled 16-bit OW pixel data element (rounded up to 2048-pixel rows; at most 128 MiB); absent for none. */
  readonly pixelBytes?: number;
}

/** A Part 10 file: preamble, meta header, patient/study/series/instance, optional extra elements and pixel data. */
export function craftedDicom(instance: CraftedInstance): Buffer {
  const sopClass = '1.2.840.10008.5.1.4.1.1.7';
  const transferSyntax = '1.2.840.10008.1.2.1';
  const metaElements = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    text(0x0002, 0x0002, 'UI', sopClass),
    text(0x0002, 0x0003, 'UI', instance.sopInstanceUid),
    text(0x0002, 0x0010, 'UI', transferSyntax),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaElements.length, 0);
  const body = [
    text(0x0008, 0x0016, 'UI', sopClass),
    text(0x0008, 0x0018, 'UI', instance.sopInstanceUid),
    text(0x0008, 0x0060, 'CS', 'OT'),
    text(0x0010, 0x0010, 'PN', 'Crafted^Test'),
    text(0x0010, 0x0020, 'LO', 'CRAFTED'),
    text(0x0020, 0x000d, 'UI', instance.studyInstanceUid ?? '1.2.826.0.1.3680043.8.498.1'),
    text(0x0020, 0x000e, 'UI', instance.seriesInstanceUid ?? '1.2.826.0.1.3680043.8.498.1.1'),
  ];
  if (instance.middle) body.push(instance.middle);
  if (instance.pixelBytes !== undefined) {
    // 16-bit pixels, 2048 columns: the pixel data is rounded up to whole rows.
    const rowCount = Math.max(1, Math.ceil(instance.pixelBytes / 4096));
    const rows = Buffer.alloc(2);
    rows.writeUInt16LE(rowCount, 0);
    const columns = Buffer.alloc(2);
    columns.writeUInt16LE(2048, 0);
    const sixteen = Buffer.alloc(2);
    sixteen.writeUInt16LE(16, 0);
    body.push(
      element(0x0028, 0x0002, 'US', Buffer.from([1, 0])),
      text(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
      element(0x0028, 0x0010, 'US', rows),
      element(0x0028, 0x0011, 'US', columns),
      element(0x0028, 0x0100, 'US', sixteen),
      element(0x0028, 0x0101, 'US', sixteen),
      element(0x0028, 0x0103, 'US', Buffer.from([0, 0])),
      element(0x7fe0, 0x0010, 'OW', Buffer.alloc(rowCount * 4096)),
    );
  }
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), element(0x0002, 0x0000, 'UL', groupLength), metaElements, ...body]);
}
