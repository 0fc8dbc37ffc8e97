import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { implementationClassUid, implementationVersionName } from '../../dicom/part10';

function evenPadded(text: string, pad: string): Buffer {
  const bytes = Buffer.from(text, 'ascii');
  return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from(pad, 'ascii')]);
}

/** One explicit VR little endian element of group 0002 (PS3.10 §7.1). */
function metaElement(element: number, vr: string, value: Buffer): Buffer {
  const longForm = vr === 'OB';
  const header = Buffer.alloc(longForm ? 12 : 8);
  header.writeUInt16LE(0x0002, 0);
  header.writeUInt16LE(element, 2);
  header.write(vr, 4, 'ascii');
  if (longForm) header.writeUInt32LE(value.length, 8);
  else header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

/**
 * The preamble and file meta information that turn a DIMSE data set, received in the transfer
 * syntax of its presentation context, into a Part 10 file with exactly the received bytes after it.
 */
export function part10Header(meta: { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string; sourceAet?: string }): Buffer {
  const elements = [
    metaElement(0x0001, 'OB', Buffer.from([0, 1])),
    metaElement(0x0002, 'UI', evenPadded(meta.sopClassUid, '\0')),
    metaElement(0x0003, 'UI', evenPadded(meta.sopInstanceUid, '\0')),
    metaElement(0x0010, 'UI', evenPadded(meta.transferSyntaxUid, '\0')),
    metaElement(0x0012, 'UI', evenPadded(implementationClassUid, '\0')),
    metaElement(0x0013, 'SH', evenPadded(implementationVersionName, ' ')),
    // Who sent it stays in the file: the study browser can show the sender of pushed studies.
    ...(meta.sourceAet ? [metaElement(0x0016, 'AE', evenPadded(meta.sourceAet.trim(), ' '))] : []),
  ];
  const body = Buffer.concat(elements);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(body.length, 0);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'ascii'), metaElement(0x0000, 'UL', groupLength), body]);
}

/**
 * Writes one received instance straight to a staging file as its fragments arrive, so a large
 * store never sits whole in memory (dcmjs-dimse's default keeps it in a memory stream).
 * Writes are synchronous on purpose: dcmjs-dimse processes PDUs from unawaited event handlers,
 * so a write that yielded could let the next command's PDUs overtake this data set.
 * A write failure is recorded, not thrown, so the association can answer with a failure status.
 */
export class StagedInstanceWriter extends Writable {
  readonly partialPath: string;
  readonly finalPath: string;
  private fd: number | undefined;
  private failure: string | undefined;
  private bytes = 0;

  constructor(stagingDir: string, meta: { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string; sourceAet?: string }) {
    super({ highWaterMark: 1 << 30 });
    const base = path.join(stagingDir, `${randomUUID()}`);
    this.partialPath = `${base}.partial`;
    this.finalPath = `${base}.dcm`;
    try {
      fs.mkdirSync(stagingDir, { recursive: true });
      this.fd = fs.openSync(this.partialPath, 'w');
      fs.writeSync(this.fd, part10Header(meta));
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.fd !== undefined && this.failure === undefined) {
      try {
        fs.writeSync(this.fd, chunk);
        this.bytes += chunk.length;
      } catch (error) {
        this.failure = error instanceof Error ? error.message : String(error);
      }
    }
    callback();
  }

  /** Closes the file and moves it to its final name; returns its path, or why it could not be kept. */
  complete(): { path: string } | { error: string } {
    try {
      if (this.fd !== undefined) fs.closeSync(this.fd);
      this.fd = undefined;
      if (this.failure === undefined && this.bytes === 0) this.failure = 'the data set was empty';
      if (this.failure !== undefined) {
        fs.rmSync(this.partialPath, { force: true });
        return { error: this.failure };
      }
      fs.renameSync(this.partialPath, this.finalPath);
      return { path: this.finalPath };
    } catch (error) {
      fs.rmSync(this.partialPath, { force: true });
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Drops a file whose association ended before the data set was complete. */
  discard(): void {
    try {
      if (this.fd !== undefined) fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = undefined;
    fs.rmSync(this.partialPath, { force: true });
  }
}
