import zlib from 'node:zlib';
import dicomParser, { type DataSet } from 'dicom-parser';
import { NestingTooDeepError, parseDicomBounded } from './sequence-depth';

export const transferSyntaxes = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflatedExplicitLittle: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
} as const;

/** A file that is not (readable) DICOM; its message is the reason shown to the user. */
export class NotDicomError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotDicomError';
  }
}

export interface ParsedFile {
  /** The data set up to (not including the value of) the pixel data; frames are never decoded. */
  readonly dataSet: DataSet;
  /** The transfer syntax the file is stored in: from its meta header, or inferred when it has none. */
  readonly transferSyntaxUid: string;
  readonly mediaStorageSopClassUid: string | undefined;
  readonly hasMetaHeader: boolean;
}

/** Deflated data sets larger than this once inflated are refused. */
const maxInflatedBytes = 1024 * 1024 * 1024;

/** Two-letter VR codes as one number (first letter in the high byte): read per element without making a string. */
const vrCode = (vr: string) => (vr.charCodeAt(0) << 8) | vr.charCodeAt(1);
const longLengthVrs = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'UT', 'UN', 'UC', 'UR', 'SV', 'UV'].map(vrCode));

function isUpperLetter(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x41 && byte <= 0x5a;
}

/** True when the four bytes at start spell DICM: a byte comparison, checked on every file. */
function isDicmAt(bytes: Uint8Array, start: number): boolean {
  return bytes.length >= start + 4 && bytes[start] === 0x44 && bytes[start + 1] === 0x49 && bytes[start + 2] === 0x43 && bytes[start + 3] === 0x4d;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('latin1').replace(/[\0 ]+$/, '');
}

interface MetaHeader {
  readonly datasetStart: number;
  readonly transferSyntaxUid: string | undefined;
  readonly mediaStorageSopClassUid: string | undefined;
}

/**
 * Reads group 0002, always explicit little endian by PS3.10 (tolerating writers that
 * used implicit VR for it). Returns where the data set itself begins.
 */
function readMetaHeader(bytes: Uint8Array, start: number): MetaHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let position = start;
  let transferSyntaxUid: string | undefined;
  let mediaStorageSopClassUid: string | undefined;
  while (position + 8 <= bytes.length && view.getUint16(position, true) === 0x0002) {
    const element = view.getUint16(position + 2, true);
    let valueStart: number;
    let length: number;
    if (isUpperLetter(bytes[position + 4]) && isUpperLetter(bytes[position + 5])) {
      if (longLengthVrs.has((bytes[position + 4]! << 8) | bytes[position + 5]!)) {
        if (position + 12 > bytes.length) break;
        length = view.getUint32(position + 8, true);
        valueStart = position + 12;
      } else {
        length = view.getUint16(position + 6, true);
        valueStart = position + 8;
      }
    } else {
      length = view.getUint32(position + 4, true);
      valueStart = position + 8;
    }
    if (valueStart + length > bytes.length) throw new NotDicomError('truncated in its file meta header');
    if (element === 0x0010) transferSyntaxUid = ascii(bytes, valueStart, length);
    if (element === 0x0002) mediaStorageSopClassUid = ascii(bytes, valueStart, length);
    position = valueStart + length;
  }
  return { datasetStart: position, transferSyntaxUid: transferSyntaxUid || undefined, mediaStorageSopClassUid };
}

/**
 * Guesses the encoding of a data set from its first element, for files with no meta
 * header (or one that omits the transfer syntax): the group's byte order, then whether
 * a two-letter VR follows the tag.
 */
function sniffTransferSyntax(bytes: Uint8Array, start: number): string | undefined {
  if (start + 8 > bytes.length) return undefined;
  const littleGroup = bytes[start]! | (bytes[start + 1]! << 8);
  const bigGroup = (bytes[start]! << 8) | bytes[start + 1]!;
  const explicit = isUpperLetter(bytes[start + 4]) && isUpperLetter(bytes[start + 5]);
  const plausible = (group: number) => group >= 0x0002 && group <= 0x0100 && group % 2 === 0;
  if (plausible(littleGroup)) return explicit ? transferSyntaxes.explicitLittle : transferSyntaxes.implicitLittle;
  if (plausible(bigGroup) && explicit) return transferSyntaxes.explicitBig;
  return undefined;
}

function describe(error: unknown): string {
  if (typeof error === 'string') return error.replace(/^dicomParser[.:]\w+: /, '');
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'exception' in error) return describe((error as { exception: unknown }).exception);
  return String(error);
}

function isDicomParserException(error: unknown): error is { exception: unknown; dataSet: DataSet } {
  return typeof error === 'object' && error !== null && 'exception' in error && 'dataSet' in error;
}

/**
 * The rest of a file whose first bytes only were read (a large file, parsed from its head):
 * its whole length, and a way to read a few bytes anywhere in it.
 */
export interface FileBeyondHead {
  readonly length: number;
  readAt(position: number, length: number): Uint8Array;
}

/**
 * Checks that the pixel data the header announces is really in the file (a cheap walk over
 * fragment headers). `rest`, for a file parsed from its head, measures and reads past it;
 * positions are relative to the data set, which starts `datasetStart` bytes into the file.
 */
function checkPixelDataComplete(dataSet: DataSet, rest?: { file: FileBeyondHead; datasetStart: number }): void {
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData) return;
  const total = rest ? rest.file.length - rest.datasetStart : dataSet.byteArray.length;
  if (!pixelData.hadUndefinedLength) {
    if (pixelData.dataOffset + pixelData.length > total) {
      throw new NotDicomError(`truncated: pixel data announces ${pixelData.length} bytes, the file holds ${Math.max(0, total - pixelData.dataOffset)}`);
    }
    return;
  }
  const bytes = dataSet.byteArray;
  const headerAt = (position: number): DataView => {
    if (position + 8 <= bytes.length || !rest) return new DataView(bytes.buffer, bytes.byteOffset + position, 8);
    const read = rest.file.readAt(rest.datasetStart + position, 8);
    return new DataView(read.buffer, read.byteOffset, 8);
  };
  let position = pixelData.dataOffset;
  const littleEndian = dataSet.byteArrayParser === dicomParser.littleEndianByteArrayParser;
  while (position + 8 <= total) {
    const header = headerAt(position);
    const group = header.getUint16(0, littleEndian);
    const element = header.getUint16(2, littleEndian);
    const length = header.getUint32(4, littleEndian);
    if (group === 0xfffe && element === 0xe0dd) return;
    if (group !== 0xfffe || element !== 0xe000) throw new NotDicomError('encapsulated pixel data is malformed (expected an item tag)');
    position += 8 + length;
  }
  throw new NotDicomError('truncated: encapsulated pixel data ends before its sequence delimiter');
}

/**
 * Parses one file's header without touching its frames; throws NotDicomError with a reason.
 * `rest` is given when `bytes` is only the file's head: the header must then lie within it.
 */
export function readDicomFile(bytes: Uint8Array, rest?: FileBeyondHead): ParsedFile {
  if (bytes.length === 0) throw new NotDicomError('empty file');
  let metaStart: number | undefined;
  if (isDicmAt(bytes, 128)) metaStart = 132;
  else if (isDicmAt(bytes, 0)) metaStart = 4;
  else if (bytes.length >= 8 && bytes[0] === 0x02 && bytes[1] === 0x00) metaStart = 0;

  const meta: MetaHeader = metaStart === undefined ? { datasetStart: 0, transferSyntaxUid: undefined, mediaStorageSopClassUid: undefined } : readMetaHeader(bytes, metaStart);
  let storedSyntax = meta.transferSyntaxUid ?? sniffTransferSyntax(bytes, meta.datasetStart);
  if (storedSyntax === undefined) {
    throw new NotDicomError(metaStart === undefined ? 'not a DICOM file (no DICM marker and no recognisable data set)' : 'no transfer syntax in the meta header, and the data set is not recognisable');
  }

  let datasetBytes = bytes.subarray(meta.datasetStart);
  let parseSyntax: string = storedSyntax;
  if (storedSyntax === transferSyntaxes.deflatedExplicitLittle) {
    if (rest) throw new NotDicomError(`a deflated data set of ${rest.length} bytes is larger than the import inflates`);
    try {
      // A deflate bomb must not take the importing process down with it.
      datasetBytes = zlib.inflateRawSync(datasetBytes, { maxOutputLength: maxInflatedBytes });
    } catch (error) {
      throw new NotDicomError(`deflated data set cannot be inflated: ${describe(error)}`);
    }
    parseSyntax = transferSyntaxes.explicitLittle;
  } else if (storedSyntax !== transferSyntaxes.explicitBig) {
    // Every other syntax is little endian; some writers mislabel implicit as explicit or the reverse.
    const sniffed = sniffTransferSyntax(datasetBytes, 0);
    if (sniffed === transferSyntaxes.implicitLittle) parseSyntax = transferSyntaxes.implicitLittle;
    else if (parseSyntax === transferSyntaxes.implicitLittle && sniffed === transferSyntaxes.explicitLittle) parseSyntax = sniffed;
    if (metaStart === undefined && sniffed !== undefined) storedSyntax = sniffed;
  }
  if (datasetBytes.length === 0) throw new NotDicomError('the file holds a meta header but no data set');

  let dataSet: DataSet;
  try {
    dataSet = parseDicomBounded(datasetBytes, { TransferSyntaxUID: parseSyntax, untilTag: 'x7fe00010' });
  } catch (error) {
    if (error instanceof NestingTooDeepError) throw new NotDicomError(error.message);
    const reason = describe(error);
    const partial = isDicomParserException(error) ? error.dataSet : undefined;
    const elementsRead = partial ? Object.keys(partial.elements).length : 0;
    if (/overrun|eof|beyond|end of buffer|truncat|maxP ?osition/i.test(reason)) {
      throw new NotDicomError(`truncated or corrupt: the file ends inside an element of its data set (after ${elementsRead} elements; ${reason})`);
    }
    throw new NotDicomError(`corrupt data set (after ${elementsRead} elements): ${reason}`);
  }
  checkPixelDataComplete(dataSet, rest ? { file: rest, datasetStart: meta.datasetStart } : undefined);
  return { dataSet, transferSyntaxUid: storedSyntax, mediaStorageSopClassUid: meta.mediaStorageSopClassUid, hasMetaHeader: metaStart !== undefined };
}

export const mediaStorageDirectorySopClassUid = '1.2.840.10008.1.3.10';

/** True when the meta header names the Media Storage Directory class (a DICOMDIR), without parsing the rest. */
export function isMediaDirectory(bytes: Uint8Array): boolean {
  try {
    let metaStart: number | undefined;
    if (isDicmAt(bytes, 128)) metaStart = 132;
    else if (isDicmAt(bytes, 0)) metaStart = 4;
    if (metaStart === undefined) return false;
    return readMetaHeader(bytes, metaStart).mediaStorageSopClassUid === mediaStorageDirectorySopClassUid;
  } catch {
    return false;
  }
}
