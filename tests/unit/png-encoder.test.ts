import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from '../../src-main/studies/thumbnails/png-encoder';
import { downsample } from '../../src-main/studies/thumbnails/render-frame';

describe('PNG encoder and downsampling', () => {
  it('computes CRC-32 as node:zlib does', () => {
    for (const text of ['', 'IEND', 'The quick brown fox jumps over the lazy dog']) {
      expect(crc32(Buffer.from(text))).toBe(zlib.crc32(Buffer.from(text)));
    }
  });

  it('writes rows that inflate back to the pixels, each behind a filter byte', () => {
    const pixels = Uint8Array.from({ length: 3 * 2 * 3 }, (_, index) => index * 7);
    const png = encodePng({ width: 3, height: 2, channels: 3, pixels });
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([3, 2, 8, 2]);
    const idatLength = png.readUInt32BE(33);
    const raw = zlib.inflateSync(png.subarray(41, 41 + idatLength));
    expect([...raw]).toEqual([0, ...pixels.subarray(0, 9), 0, ...pixels.subarray(9)]);
    expect(() => encodePng({ width: 3, height: 3, channels: 1, pixels })).toThrow(/do not make a 3×3×1 image/);
  });

  it('averages boxes when shrinking and never enlarges', () => {
    const pixels = Uint8Array.from([0, 100, 200, 255, 10, 30, 50, 70]);
    expect(downsample({ width: 4, height: 2, channels: 1, pixels }, 2)).toEqual({ width: 2, height: 1, channels: 1, pixels: Uint8Array.from([35, 144]) });
    const small = { width: 4, height: 2, channels: 1 as const, pixels };
    expect(downsample(small, 128)).toBe(small);
  });
});
