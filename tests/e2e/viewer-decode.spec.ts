import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import dicomParser from 'dicom-parser';
import { hasZstd, readZstdRawImage, type RawImage } from '../helpers/dicom-pixels';
import { pydicomAvailable, pythonWithPydicom, runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { dicomFilesIn, seedCache, type SeededInstance } from '../helpers/viewer-seed';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';

/**
 * Decoding in Chromium through the viewer's loader, on the conformance corpora read in
 * place: lossless files against their uncompressed references, every transfer syntax.
 */
test.describe.serial('decoding in the browser', () => {
  test.afterAll(async ({ webHost }) => emptyCache(webHost));
  interface Decoded {
    rows: number;
    columns: number;
    samplesPerPixel: number;
    preScaled: boolean;
    photometricInterpretation: string;
    base64: string;
  }

  async function decode(page: Page, sopInstanceUid: string, frame?: number): Promise<Decoded> {
    return page.evaluate(
      async ({ uid, frame }) => {
        const hooks = window.radstationViewer;
        if (!hooks) throw new Error('no viewer API');
        const imageId = `wadouri:/files/instances/${encodeURIComponent(uid)}${frame ? `?frame=${frame}` : ''}`;
        const d = await Promise.race([
          hooks.decodedPixels(imageId),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no decode within 30 s')), 30_000)),
        ]);
        const bytes = new Uint8Array(Float64Array.from(d.pixels).buffer);
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return { rows: d.rows, columns: d.columns, samplesPerPixel: d.samplesPerPixel, preScaled: d.preScaled, photometricInterpretation: d.photometricInterpretation, base64: btoa(text) };
      },
      { uid: sopInstanceUid, frame },
    );
  }

  function pixelsOf(decoded: Decoded): Float64Array {
    const bytes = Buffer.from(decoded.base64, 'base64');
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  }

  /** Compares a decoded frame with the reference's stored values (rescaled when the loader pre-scales). */
  function mismatches(decoded: Decoded, reference: RawImage, frame: number): number {
    const pixels = pixelsOf(decoded);
    const samples = reference.samplesPerPixel;
    const size = reference.rows * reference.columns;
    const step = decoded.samplesPerPixel;
    let bad = 0;
    for (let p = 0; p < size; p++) {
      for (let s = 0; s < samples; s++) {
        const stored = reference.values[frame * size * samples + p * samples + s] ?? NaN;
        const expected = decoded.preScaled ? stored * reference.rescaleSlope + reference.rescaleIntercept : stored;
        // A pre-scaled image holds float32 values: allow float32 rounding, far below one stored step (× slope).
        const tolerance = decoded.preScaled ? 1e-6 * Math.max(1, Math.abs(expected)) : 0;
        if (!(Math.abs((pixels[p * step + s] ?? NaN) - expected) <= tolerance)) bad++;
      }
    }
    return bad;
  }

  test('lossless WG04 files (J2KR, JLSL, JPLL, RLE) decode to exactly the uncompressed references', async ({ page, webHost }) => {
    test.setTimeout(540_000);
    test.skip(!hasZstd(), 'the zstd tool is not installed (apt-get install zstd); the references are zstd-compressed');
    const wg04 = sharedDataPath('dicom', 'conformance', 'wg04');
    const files = ['J2KR', 'JLSL', 'JPLL', 'RLE'].flatMap((dir) => dicomFilesIn(path.join(wg04, dir)));
    const seeded = seedCache(webHost.cacheDir, files);
    await page.goto(webHost.url);
    await expect(page.getByRole('heading', { name: 'Radstation' })).toBeVisible();
    const failures: string[] = [];
    const references = new Map<string, RawImage>();
    for (const item of seeded) {
      const name = path.basename(item.file);
      const refName = `${name.split('_')[0] ?? ''}_UNC.zst`;
      const reference = references.get(refName) ?? readZstdRawImage(path.join(wg04, 'REF', refName));
      references.set(refName, reference);
      const frames = [...new Set([1, reference.frames])];
      for (const frame of frames) {
        const decoded = await decode(page, item.sopInstanceUid, reference.frames > 1 ? frame : undefined);
        expect(decoded.rows, name).toBe(reference.rows);
        expect(decoded.columns, name).toBe(reference.columns);
        const bad = mismatches(decoded, reference, frame - 1);
        console.log(`${name} frame ${frame}: ${bad === 0 ? 'exact' : `${bad} samples differ`}`);
        if (bad > 0) failures.push(`${name} frame ${frame}: ${bad} samples differ (${decoded.photometricInterpretation}, ${decoded.samplesPerPixel} samples)`);
      }
      await page.evaluate(() => window.radstationViewer?.purgeImageCache());
    }
    console.log(`Checked ${seeded.length} lossless WG04 files against their references; ${failures.length} differ.`);
    expect(failures).toEqual([]);
  });

  test('every transfer syntax in the conformance corpora decodes, HTJ2K included', async ({ page, webHost }) => {
    test.setTimeout(540_000);
    const dirs = [sharedDataPath('dicom', 'conformance', 'cornerstone'), sharedDataPath('dicom', 'conformance', 'pydicom-data')];
    const candidates = dirs.flatMap((dir) => dicomFilesIn(dir));
    await page.goto(webHost.url);
    await expect(page.getByRole('heading', { name: 'Radstation' })).toBeVisible();
    const results = new Map<string, { ok: number; failed: string[] }>();
    // Several files share a SOP Instance UID (one image in many syntaxes): seed them one at a time.
    for (const file of candidates) {
      let item: SeededInstance | undefined;
      let syntax = '';
      try {
        item = seedCache(webHost.cacheDir, [file])[0];
        syntax = readSyntax(file);
      } catch {
        continue; // not an image file (SR, RT, truncated on purpose)
      }
      if (!item || !syntax) continue;
      const entry = results.get(syntax) ?? { ok: 0, failed: [] };
      results.set(syntax, entry);
      try {
        await page.evaluate(() => window.radstationViewer?.purgeImageCache());
        const decoded = await decode(page, item.sopInstanceUid, undefined);
        if (decoded.rows > 0 && pixelsOf(decoded).length >= decoded.rows * decoded.columns) entry.ok++;
        else entry.failed.push(path.basename(file));
      } catch (error) {
        entry.failed.push(`${path.basename(file)} (${String(error).split('\n')[0]?.slice(0, 120)})`);
      }
    }
    for (const [syntax, entry] of results) console.log(`${syntax}: ${entry.ok} decoded, failed: ${entry.failed.join(', ') || 'none'}`);
    for (const htj2k of ['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.203']) expect(results.get(htj2k)?.ok ?? 0, htj2k).toBeGreaterThan(0);
    // The 1-bit SEGs stored natively (little and big endian, deflated frames) are unpacked by the viewer's loader.
    const failedNames = [...results.values()].flatMap((entry) => entry.failed);
    for (const name of oneBitSegs) expect(failedNames.filter((failed) => failed.split(' ')[0] === name), name).toEqual([]);
    expect(results.get(deflatedImageFrames)?.ok ?? 0, deflatedImageFrames).toBe(2);
    for (const [syntax, entry] of results) expect(entry.ok, `${syntax} decodes at least one file`).toBeGreaterThan(0);
  });

  test('1-bit SEG frames stored natively decode to exactly the bits pydicom reads, non-byte-aligned frames included', async ({ page, webHost }) => {
    test.setTimeout(300_000);
    test.skip(!pydicomAvailable(), `pydicom or numpy cannot be used by ${pythonWithPydicom}: the expected bits come from it`);
    const dir = sharedDataPath('dicom', 'conformance', 'pydicom-data');
    for (const name of oneBitSegs) {
      const file = path.join(dir, name);
      const expected = runPydicom<{ rows: number; columns: number; frames: string[] }>(expectedBitsScript, [file]);
      const item = seedCache(webHost.cacheDir, [file])[0];
      if (!item) throw new Error(`${name} was not seeded`);
      // A fresh page: liver.dcm and liver_expb.dcm share a SOP Instance UID, and parsed headers are kept per image ID.
      await page.goto(webHost.url);
      await expect(page.getByRole('heading', { name: 'Radstation' })).toBeVisible();
      expect(expected.frames.length, name).toBe(3);
      for (const [index, packed] of expected.frames.entries()) {
        const decoded = await decode(page, item.sopInstanceUid, index + 1);
        expect([decoded.rows, decoded.columns], name).toEqual([expected.rows, expected.columns]);
        const bits = Buffer.from(packed, 'base64');
        const pixels = pixelsOf(decoded);
        expect(pixels.length, name).toBe(expected.rows * expected.columns);
        let bad = 0;
        let set = 0;
        for (let i = 0; i < pixels.length; i++) {
          const bit = ((bits[i >> 3] ?? 0) >> (i & 7)) & 1;
          set += bit;
          if (pixels[i] !== bit) bad++;
        }
        console.log(`${name} frame ${index + 1}: ${set} pixels set, ${bad === 0 ? 'exact' : `${bad} differ`}`);
        expect(set, `${name} frame ${index + 1} is not empty`).toBeGreaterThan(0);
        expect(bad, `${name} frame ${index + 1}`).toBe(0);
      }
    }
  });
});

const deflatedImageFrames = '1.2.840.10008.1.2.8.1';
/** pydicom-data's 1-bit SEGs (3 frames) stored natively: little endian, big endian, deflated frames; 510×510 frames do not start on a byte. */
const oneBitSegs = ['liver.dcm', 'liver_expb.dcm', 'liver_deflate.dcm', 'liver_nonbyte_aligned.dcm', 'liver_nonbyte_aligned_deflate.dcm'];

/**
 * Each frame's pixels as pydicom reads them, repacked eight a byte (bit i % 8 of byte i / 8) and
 * base64-encoded. pydicom 2.x has no deflated-frame decoder: those frames are taken from the
 * encapsulated items and inflated with zlib, then unpacked with numpy.
 */
const expectedBitsScript = `
import base64, json, sys, zlib
import numpy as np, pydicom
from pydicom.encaps import generate_pixel_data_frame
ds = pydicom.dcmread(sys.argv[1])
count, size = int(ds.NumberOfFrames), ds.Rows * ds.Columns
if ds.file_meta.TransferSyntaxUID == '1.2.840.10008.1.2.8.1':
    frames = [np.unpackbits(np.frombuffer(zlib.decompress(f, -15), np.uint8), bitorder='little')[:size] for f in generate_pixel_data_frame(ds.PixelData, count)]
else:
    frames = list(ds.pixel_array.reshape(count, size))
print(json.dumps({'rows': ds.Rows, 'columns': ds.Columns, 'frames': [base64.b64encode(np.packbits(f.astype(np.uint8), bitorder='little').tobytes()).decode() for f in frames]}))
`;

function readSyntax(file: string): string {
  const bytes = fs.readFileSync(file);
  const ds = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x00080016' });
  return (ds.string('x00020010') ?? '').trim();
}
