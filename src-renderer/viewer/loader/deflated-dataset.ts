import { concatenateBytes } from '../../../src-shared/dicom/bytes';
import { inflateRaw } from './inflate-raw';

/*
 * Cornerstone 5.x reads a file's header with dcmjs, which does not inflate a data set stored in
 * Deflated Explicit VR Little Endian: such a file has no Pixel Data for it. Here the data set is
 * inflated and the file rewritten as Explicit VR Little Endian, its file meta information kept
 * but for the transfer syntax (and the group length that counts it), before the loader parses it.
 */

const deflatedExplicitLittleEndian = '1.2.840.10008.1.2.1.99';
const explicitLittleEndian = '1.2.840.10008.1.2.1';
const preambleAndPrefix = 132;
/** Explicit VRs whose length takes 4 bytes after 2 reserved ones (PS3.5 7.1.2). */
const longLengthVrs = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

export class DeflatedDataSetError extends Error {}

interface MetaElement {
  element: number;
  bytes: Uint8Array;
  value: Uint8Array;
}

/** The file meta elements (group 0002, always explicit VR little endian) and where the data set starts. */
function readFileMeta(file: Uint8Array): { elements: MetaElement[]; end: number } | undefined {
  const prefix = String.fromCharCode(...file.subarray(128, preambleAndPrefix));
  if (prefix !== 'DICM') return undefined;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const elements: MetaElement[] = [];
  let at = preambleAndPrefix;
  while (at + 8 <= file.length && view.getUint16(at, true) === 0x0002) {
    const element = view.getUint16(at + 2, true);
    const vr = String.fromCharCode(file[at + 4] ?? 0, file[at + 5] ?? 0);
    const long = longLengthVrs.has(vr);
    const headerLength = long ? 12 : 8;
    const length = long ? view.getUint32(at + 8, true) : view.getUint16(at + 6, true);
    const end = at + headerLength + length;
    if (end > file.length) throw new DeflatedDataSetError('deflated data set: the file meta information runs past the file');
    elements.push({ element, bytes: file.subarray(at, end), value: file.subarray(at + headerLength, end) });
    at = end;
  }
  return { elements, end: at };
}

function text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes).replace(/[\0 ]+$/, '');
}

/** A short-length explicit VR element of group 0002. */
function metaElement(element: number, vr: string, value: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(8 + value.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0x0002, true);
  view.setUint16(2, element, true);
  bytes[4] = vr.charCodeAt(0);
  bytes[5] = vr.charCodeAt(1);
  view.setUint16(6, value.length, true);
  bytes.set(value, 8);
  return bytes;
}

/**
 * The file rewritten as Explicit VR Little Endian when it is a Deflated Explicit VR Little Endian
 * Part 10 file, else undefined (the file is used as it is).
 */
export async function inflatedPart10(file: ArrayBuffer): Promise<ArrayBuffer | undefined> {
  const bytes = new Uint8Array(file);
  const meta = readFileMeta(bytes);
  const syntax = meta?.elements.find((item) => item.element === 0x0010);
  if (!meta || !syntax || text(syntax.value) !== deflatedExplicitLittleEndian) return undefined;
  const dataSet = await inflateRaw(bytes.subarray(meta.end), 1, (reason) => new DeflatedDataSetError(`deflated data set: could not inflate it (${reason})`));
  const syntaxValue = Uint8Array.from(`${explicitLittleEndian}\0`, (c) => c.charCodeAt(0));
  const kept = meta.elements
    .filter((item) => item.element !== 0x0000)
    .map((item) => (item.element === 0x0010 ? metaElement(0x0010, 'UI', syntaxValue) : item.bytes));
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, kept.reduce((sum, item) => sum + item.length, 0), true);
  const parts = [bytes.subarray(0, preambleAndPrefix), metaElement(0x0000, 'UL', groupLength), ...kept, dataSet];
  // Three or more parts, so a fresh ArrayBuffer of exactly their size.
  return concatenateBytes(parts).buffer as ArrayBuffer;
}
