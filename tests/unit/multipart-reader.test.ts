import { describe, expect, it } from 'vitest';
import { MultipartReader, multipartBody, multipartBoundary } from '../../src-main/network/dicomweb/multipart';

/** Reads a body fed in chunks of the given size; returns each part's headers and bytes. */
function readParts(body: Buffer, boundary: string, chunkSize: number) {
  const parts: Array<{ headers: Record<string, string>; bytes: Buffer }> = [];
  let current: { headers: Record<string, string>; chunks: Buffer[] } | undefined;
  const reader = new MultipartReader(boundary, {
    partStart: (headers) => (current = { headers, chunks: [] }),
    partData: (chunk) => current!.chunks.push(Buffer.from(chunk)),
    partEnd: () => parts.push({ headers: current!.headers, bytes: Buffer.concat(current!.chunks) }),
  });
  for (let offset = 0; offset < body.length; offset += chunkSize) reader.push(body.subarray(offset, offset + chunkSize));
  reader.end();
  return parts;
}

describe('multipart/related reader', () => {
  // Payloads that contain CRLFs, dashes and a near-miss of the boundary, as binary DICOM may.
  const payloads = [Buffer.from('first\r\n--not-the-boundary\r\n'), Buffer.alloc(0), Buffer.from([0, 1, 2, 0x0d, 0x0a, 0x2d, 0x2d, 0x62, 255])];
  const boundary = 'b0undary';
  // Written by hand, independently of multipartBody: a preamble, padding after a delimiter, an epilogue.
  const body = Buffer.concat([
    Buffer.from(`preamble text\r\n--${boundary}  \r\nContent-Type: application/dicom\r\n\r\n`),
    payloads[0]!,
    Buffer.from(`\r\n--${boundary}\r\nContent-Type: application/dicom\r\nContent-Length: 0\r\n\r\n`),
    payloads[1]!,
    Buffer.from(`\r\n--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
    payloads[2]!,
    Buffer.from(`\r\n--${boundary}--\r\nepilogue`),
  ]);

  it.each([1, 2, 7, 64, body.length])('finds every part with its exact bytes, fed %i bytes at a time', (chunkSize) => {
    const parts = readParts(body, boundary, chunkSize);
    expect(parts.map((part) => part.bytes)).toEqual(payloads);
    expect(parts[1]!.headers['content-length']).toBe('0');
    expect(parts[0]!.headers['content-type']).toBe('application/dicom');
  });

  it('reads back what multipartBody writes', () => {
    const written = multipartBody(payloads, 'xyz');
    expect(readParts(written, 'xyz', 5).map((part) => part.bytes)).toEqual(payloads);
  });

  it('refuses a body cut off inside a part', () => {
    const truncated = body.subarray(0, body.indexOf(payloads[2]!) + 3);
    expect(() => readParts(truncated, boundary, 16)).toThrow(/ended inside a part/);
  });

  it('takes the boundary from the content type, quoted or not', () => {
    expect(multipartBoundary('multipart/related; type="application/dicom"; boundary="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('Multipart/Related; boundary=abc123; type=application/dicom')).toBe('abc123');
    expect(multipartBoundary('application/dicom+json')).toBeUndefined();
  });
});
