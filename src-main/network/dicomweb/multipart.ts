/**
 * A streaming reader for multipart/related bodies (RFC 2046 §5.1, as WADO-RS uses them): parts
 * are handed on in pieces as they arrive, so a study never has to sit whole in memory.
 * Written here rather than taken from npm because the parsers installed in this project read
 * multipart/form-data only, and this is one small state machine.
 */

export interface MultipartHandlers {
  partStart(headers: Record<string, string>): void;
  partData(chunk: Buffer): void;
  partEnd(): void;
}

/** The boundary parameter of a multipart Content-Type, or undefined when it has none. */
export function multipartBoundary(contentType: string | null): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done';

export class MultipartReader {
  private readonly delimiter: Buffer;
  // The first delimiter may open the body with no CRLF before it; pretending one is there makes every delimiter alike.
  private pending: Buffer = Buffer.from('\r\n');
  private state: State = 'preamble';
  private parts = 0;

  constructor(
    boundary: string,
    private readonly handlers: MultipartHandlers,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  get partCount(): number {
    return this.parts;
  }

  push(chunk: Uint8Array): void {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    while (this.step()) {
      // each step consumes what it can and says whether another might progress
    }
  }

  /** Ends the body; throws when it was cut off inside a part or before the closing delimiter. */
  end(): void {
    if (this.state !== 'done') {
      throw new Error(this.state === 'body' || this.state === 'headers' ? 'the multipart body ended inside a part' : 'the multipart body has no closing boundary');
    }
  }

  private step(): boolean {
    switch (this.state) {
      case 'preamble': {
        const at = this.pending.indexOf(this.delimiter);
        if (at < 0) {
          this.keepTail();
          return false;
        }
        this.pending = this.pending.subarray(at + this.delimiter.length);
        this.state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        if (this.pending.length < 2) return false;
        if (this.pending[0] === 0x2d && this.pending[1] === 0x2d) {
          this.state = 'done';
          this.pending = Buffer.alloc(0);
          return false;
        }
        // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
        const lineEnd = this.pending.indexOf('\r\n');
        if (lineEnd < 0) return false;
        if (this.pending.subarray(0, lineEnd).toString('latin1').trim() !== '') throw new Error('malformed multipart delimiter line');
        this.pending = this.pending.subarray(lineEnd + 2);
        this.state = 'headers';
        return true;
      }
      case 'headers': {
        const blank = this.pending.indexOf('\r\n\r\n');
        // A part may have no headers at all: then its body starts right after the delimiter line.
        const noHeaders = this.pending.length >= 2 && this.pending[0] === 0x0d && this.pending[1] === 0x0a;
        if (!noHeaders && blank < 0) {
          if (this.pending.length > 64 * 1024) throw new Error('multipart part headers are larger than 64 KiB');
          return false;
        }
        const headerText = noHeaders ? '' : this.pending.subarray(0, blank).toString('latin1');
        this.pending = this.pending.subarray(noHeaders ? 2 : blank + 4);
        const headers: Record<string, string> = {};
        for (const line of headerText.split('\r\n')) {
          const colon = line.indexOf(':');
          if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        this.parts += 1;
        this.handlers.partStart(headers);
        this.state = 'body';
        return true;
      }
      case 'body': {
        const at = this.pending.indexOf(this.delimiter);
        if (at < 0) {
          // Keep enough at the end to recognise a delimiter split across chunks.
          const safe = this.pending.length - (this.delimiter.length - 1);
          if (safe > 0) {
            this.handlers.partData(this.pending.subarray(0, safe));
            this.pending = Buffer.from(this.pending.subarray(safe));
          }
          return false;
        }
        if (at > 0) this.handlers.partData(this.pending.subarray(0, at));
        this.handlers.partEnd();
        this.pending = this.pending.subarray(at + this.delimiter.length);
        this.state = 'after-delimiter';
        return true;
      }
      case 'done':
        this.pending = Buffer.alloc(0);
        return false;
    }
  }

  private keepTail(): void {
    const keep = this.delimiter.length - 1;
    if (this.pending.length > keep) this.pending = Buffer.from(this.pending.subarray(this.pending.length - keep));
  }
}

/** Builds a multipart/related body of DICOM files for STOW-RS. */
export function multipartBody(parts: readonly Buffer[], boundary: string, contentType = 'application/dicom'): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Type: ${contentType}\r\n\r\n`, 'latin1'), part, Buffer.from('\r\n', 'latin1'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(pieces);
}
