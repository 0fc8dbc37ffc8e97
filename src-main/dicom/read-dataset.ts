import fs from 'node:fs';
import type { DataSet } from 'dicom-parser';
import { ServiceError } from '../../src-shared/contract/errors';
import { NestingTooDeepError, parseDicomBounded } from './sequence-depth';
import { describeTag } from './tag-dictionary';

/**
 * Implicit VR files carry no VRs; dicom-parser needs the dictionary's to tell a
 * sequence from a blob of bytes.
 */
const vrCallback = (tag: string): string | undefined => {
  const description = describeTag(tag);
  // Ambiguous VRs are left for describeDataSet, which resolves them from PixelRepresentation.
  return description.ambiguous ? undefined : description.vr;
};

/**
 * dicom-parser parses an inflated (deflate transfer syntax) data set from byte 0 rather
 * than from the end of the file meta information, so the preamble and "DICM" come back
 * as phantom elements such as (0000,0000) and (4944,4D43). Nothing but group 0002 can
 * lie inside the header, so elements found there are dropped; other files have none.
 */
function withoutHeaderPhantoms(dataSet: DataSet): DataSet {
  let headerEnd = 0;
  for (const [key, element] of Object.entries(dataSet.elements)) {
    if (key.startsWith('x0002')) headerEnd = Math.max(headerEnd, element.dataOffset + element.length);
  }
  for (const [key, element] of Object.entries(dataSet.elements)) {
    if (!key.startsWith('x0002') && element.dataOffset < headerEnd) delete dataSet.elements[key];
  }
  return dataSet;
}

/**
 * Reads and parses one instance's file. A missing or unreadable file becomes a plain
 * ServiceError; the message names the instance, never the path, because the renderer
 * must not learn where files live.
 */
export function readDataSet(filePath: string, sopInstanceUid: string, options: { untilTag?: string } = {}): DataSet {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ServiceError('not-found', `The file of instance ${sopInstanceUid} is missing: it was moved or deleted after import.`);
    throw new ServiceError('unavailable', `The file of instance ${sopInstanceUid} could not be read (${code ?? 'read error'}).`);
  }
  return parseDataSet(bytes, sopInstanceUid, options);
}

/** Parses an instance's bytes already in memory, with readDataSet's rules and errors. */
export function parseDataSet(bytes: Buffer, sopInstanceUid: string, options: { untilTag?: string } = {}): DataSet {
  try {
    // A Buffer, not a plain Uint8Array: dicom-parser inflates deflated files with Buffer.copy.
    return withoutHeaderPhantoms(parseDicomBounded(bytes, { vrCallback, ...options }));
  } catch (error) {
    if (error instanceof NestingTooDeepError) throw new ServiceError('unavailable', `The file of instance ${sopInstanceUid} is refused: ${error.message}.`);
    // dicom-parser throws strings as well as Errors.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServiceError('unavailable', `The file of instance ${sopInstanceUid} is not readable DICOM: ${reason.replace(/^dicomParser\.\w+: /, '')}`);
  }
}
