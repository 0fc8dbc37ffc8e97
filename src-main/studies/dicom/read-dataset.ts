import fs from 'node:fs';
import dicomParser, { type DataSet } from 'dicom-parser';
import { ServiceError } from '../../../src-shared/contract/errors';
import { describeTag } from './tag-dictionary';

/**
 * Implicit VR files carry no VRs; dicom-parser needs the dictionary's to tell a
 * sequence from a blob of bytes.
 */
const vrCallback = (tag: string): string | undefined => describeTag(tag).vr;

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
  try {
    return dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { vrCallback, ...options });
  } catch (error) {
    // dicom-parser throws strings as well as Errors.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServiceError('unavailable', `The file of instance ${sopInstanceUid} is not readable DICOM: ${reason.replace(/^dicomParser\.\w+: /, '')}`);
  }
}
