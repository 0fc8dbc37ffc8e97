import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import dicomParser from 'dicom-parser';
import {
  allowedFailures,
  corpusSyntaxes,
  deflatedCt,
  deflatedImageFrames,
  fragmentedLossless,
  fragmentedLossy,
  fragmentedWithoutOffsets,
  oneBitSegs,
  refusedBySeeding,
  segmentedPalettes,
} from '../helpers/decode-corpus';
import {
  dcmtkUnavailable,
  floatValuesWithPydicom,
  meanAbsoluteError,
  paletteColoursWithPydicom,
  storedValuesDecodedByDcmtk,
  storedValuesWithPydicom,
  unsignedValuesWithPydicom,
  type ReferencePixels,
} from '../helpers/decode-references';
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

  /**
   * Seeds one file and opens a fresh page, returning the file's SOP Instance UID. Fresh, because many
   * files here share a SOP Instance UID (one image in several syntaxes) and parsed headers are kept
   * per image ID.
   */
  async function seedOnFreshPage(page: Page, webHost: { url: string; cacheDir: string }, file: string): Promise<string> {
    const item = seedCache(webHost.cacheDir, [file])[0];
    if (!item) throw new Error(`${path.basename(file)} was not seeded`);
    await page.goto(webHost.url);
    await expect(page.getByRole('heading', { name: 'Radstation' })).toBeVisible();
    // The viewer's code (and its read API) loads after the study list, when the browser is idle.
    await page.waitForFunction(() => window.radstationViewer !== undefined);
    return item.sopInstanceUid;
  }

  async function decode(page: Page, sopInstanceUid: string, frame?: number): Promise<Decoded> {
    // The viewer's code (and its read API) loads after the study list, when the browser is idle.
    await page.waitForFunction(() => window.radstationViewer !== undefined);
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

  test('every transfer syntax in the conformance corpora decodes, HTJ2K included; only the listed files fail, with their error', async ({ page, webHost }) => {
    test.setTimeout(540_000);
    const conformance = (...parts: string[]) => sharedDataPath('dicom', 'conformance', ...parts);
    const dirs = [
      conformance('cornerstone'),
      conformance('pydicom-data'),
      conformance('dicomparser'),
      conformance('dicomparser', 'encapsulated', 'multi-frame'),
      conformance('dicomparser', 'encapsulated', 'single-frame'),
    ];
    const candidates = dirs.flatMap((dir) => dicomFilesIn(dir)).filter((file) => !file.endsWith('.md'));
    const openViewerPage = async () => {
      await page.goto(webHost.url);
      await expect(page.getByRole('heading', { name: 'Radstation' })).toBeVisible();
    };
    await openViewerPage();
    const results = new Map<string, { ok: number; failed: string[] }>();
    const errors = new Map<string, string>();
    const unseeded = new Map<string, string>();
    const seenUids = new Set<string>();
    // Several files share a SOP Instance UID (one image in many syntaxes): seed them one at a time.
    for (const file of candidates) {
      const name = path.basename(file);
      let item: SeededInstance | undefined;
      let syntax = '';
      try {
        item = seedCache(webHost.cacheDir, [file])[0];
        syntax = readSyntax(file);
      } catch (error) {
        unseeded.set(name, String(error).slice(0, 120));
        continue;
      }
      if (!item || !syntax) {
        unseeded.set(name, 'no SOP Instance UID or transfer syntax');
        continue;
      }
      const entry = results.get(syntax) ?? { ok: 0, failed: [] };
      results.set(syntax, entry);
      // The page keeps each image ID's parsed header: a UID seen before needs a fresh page, or the earlier file is decoded again.
      if (seenUids.has(item.sopInstanceUid)) await openViewerPage();
      seenUids.add(item.sopInstanceUid);
      try {
        await page.evaluate(() => window.radstationViewer?.purgeImageCache());
        const decoded = await decode(page, item.sopInstanceUid, undefined);
        if (decoded.rows > 0 && pixelsOf(decoded).length >= decoded.rows * decoded.columns) entry.ok++;
        else {
          entry.failed.push(name);
          errors.set(name, 'decoded to no pixels');
        }
      } catch (error) {
        const message = String(error).split('\n')[0]?.slice(0, 160) ?? '';
        entry.failed.push(`${name} (${message})`);
        errors.set(name, message);
      }
    }
    for (const [syntax, entry] of results) console.log(`${syntax}: ${entry.ok} decoded, failed: ${entry.failed.join(', ') || 'none'}`);
    for (const [name, why] of unseeded) console.log(`Not seeded, so not decoded: ${name} (${why})`);
    expect([...unseeded.keys()].sort(), 'the files the cache refuses').toEqual(Object.keys(refusedBySeeding).sort());
    for (const htj2k of ['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.203']) expect(results.get(htj2k)?.ok ?? 0, htj2k).toBeGreaterThan(0);
    expect(results.get(deflatedImageFrames)?.ok ?? 0, deflatedImageFrames).toBe(2);
    expect([...results.keys()].sort(), 'the transfer syntaxes of the corpus').toEqual([...corpusSyntaxes].sort());
    for (const [syntax, entry] of results) expect(entry.ok, `${syntax} decodes at least one file`).toBeGreaterThan(0);
    // Exactly the listed files fail, and each fails at once with an error of its own, never by hanging.
    expect([...errors.keys()].sort(), 'the files that fail').toEqual(Object.keys(allowedFailures).sort());
    for (const [name, message] of errors) {
      expect(message, name).not.toMatch(/no decode within/);
      expect(message, `${name}: ${allowedFailures[name]?.reason ?? ''}`).toMatch(allowedFailures[name]?.error ?? /^$/);
    }
    // The files this round made decode, named so that a regression shows here rather than as a count.
    for (const name of [...fragmentedWithoutOffsets, ...segmentedPalettes]) expect(errors.get(name), name).toBeUndefined();
    const checkedNames = candidates.map((file) => path.basename(file));
    for (const name of [...fragmentedWithoutOffsets, ...segmentedPalettes, ...oneBitSegs]) expect(checkedNames, name).toContain(name);
  });

  test('segmented palette colour (ALOKA, 16-bit tables) decodes to the colours pydicom applies', async ({ page, webHost }) => {
    test.setTimeout(180_000);
    test.skip(!pydicomAvailable(), `pydicom or numpy cannot be used by ${pythonWithPydicom}: the expected colours come from it`);
    for (const name of segmentedPalettes) {
      const file = sharedDataPath('dicom', 'conformance', 'pydicom-data', name);
      const expected = paletteColoursWithPydicom(file);
      const sopInstanceUid = await seedOnFreshPage(page, webHost, file);
      const decoded = await decode(page, sopInstanceUid);
      expect([decoded.rows, decoded.columns, decoded.photometricInterpretation], name).toEqual([expected.rows, expected.columns, 'PALETTE COLOR']);
      const pixels = pixelsOf(decoded);
      const size = expected.rows * expected.columns;
      expect(pixels.length, name).toBe(size * decoded.samplesPerPixel);
      // The loader shows 16-bit colours with 8 bits: their high byte.
      let bad = 0;
      let tinted = 0;
      const colours = new Set<number>();
      for (let p = 0; p < size; p++) {
        for (let c = 0; c < 3; c++) {
          const want = (expected.values[p * 3 + c] ?? 0) >> 8;
          if (pixels[p * decoded.samplesPerPixel + c] !== want) bad++;
        }
        const [r, g, b] = [0, 1, 2].map((c) => (expected.values[p * 3 + c] ?? 0) >> 8) as [number, number, number];
        colours.add(r * 65536 + g * 256 + b);
        if (r !== g || g !== b) tinted++;
      }
      console.log(`${name}: ${colours.size} distinct colours, ${tinted} pixels not grey, ${bad === 0 ? 'exact' : `${bad} samples differ`}`);
      // Not a blank or grey image, where wrong tables could still match.
      expect(colours.size, `${name} has more than a few colours`).toBeGreaterThan(10);
      expect(tinted, `${name} has coloured pixels`).toBeGreaterThan(0);
      expect(bad, name).toBe(0);
    }
  });

  /** Decodes every frame of a seeded file on a fresh page and compares it with the reference's frames. */
  async function compareFrames(page: Page, webHost: { url: string; cacheDir: string }, file: string, reference: ReferencePixels, check: (frame: number, own: number, nearestOther: number) => void) {
    const name = path.basename(file);
    const sopInstanceUid = await seedOnFreshPage(page, webHost, file);
    expect(reference.frames, name).toBeGreaterThan(1);
    for (let frame = 1; frame <= reference.frames; frame++) {
      const decoded = await decode(page, sopInstanceUid, frame);
      expect([decoded.rows, decoded.columns], name).toEqual([reference.rows, reference.columns]);
      const errors = Array.from({ length: reference.frames }, (_, other) => meanAbsoluteError(decoded, reference, other));
      const own = errors[frame - 1] ?? NaN;
      const nearestOther = Math.min(...errors.filter((_, other) => other !== frame - 1));
      console.log(`${name} frame ${frame}: mean |difference| ${own.toFixed(3)} from its reference frame, ${nearestOther.toFixed(2)} from the nearest other frame`);
      check(frame, own, nearestOther);
    }
  }

  test('fragmented multi-frame lossless JPEG and JPEG-LS without an offset table: each frame equals its frame of the uncompressed original', async ({ page, webHost }) => {
    test.setTimeout(240_000);
    test.skip(!pydicomAvailable(), `pydicom or numpy cannot be used by ${pythonWithPydicom}: the original is read with it`);
    const dir = sharedDataPath('dicom', 'conformance', 'dicomparser', 'encapsulated', 'multi-frame');
    // The files DCMTK made from it (dicomparser's README); the lossy ones are checked below.
    const original = storedValuesWithPydicom(path.join(dir, 'CT0012.explicit_little_endian.dcm'));
    for (const name of fragmentedLossless) {
      await compareFrames(page, webHost, path.join(dir, name), original, (frame, own, nearestOther) => {
        expect(own, `${name} frame ${frame}`).toBe(0);
        expect(nearestOther, `${name} frame ${frame}: the frames differ`).toBeGreaterThan(10);
      });
    }
  });

  test('fragmented multi-frame lossy JPEG and JPEG-LS without an offset table: each frame matches DCMTK decoding the same file', async ({ page, webHost }) => {
    test.setTimeout(240_000);
    test.skip(!pydicomAvailable(), `pydicom or numpy cannot be used by ${pythonWithPydicom}: the reference is read with it`);
    const missing = dcmtkUnavailable();
    test.skip(missing !== undefined, `${missing ?? ''}: DCMTK's decoders give the reference`);
    const dir = sharedDataPath('dicom', 'conformance', 'dicomparser', 'encapsulated', 'multi-frame');
    for (const [name, { tool, maxMeanDifference, why }] of Object.entries(fragmentedLossy)) {
      const file = path.join(dir, name);
      await compareFrames(page, webHost, file, storedValuesDecodedByDcmtk(file, tool), (frame, own, nearestOther) => {
        expect(own, `${name} frame ${frame}: ${why}`).toBeLessThanOrEqual(maxMeanDifference);
        // A frame put together from the wrong fragments fails to decode or is as far off as another frame is.
        expect(nearestOther, `${name} frame ${frame} is not another frame`).toBeGreaterThan(4 * Math.max(own, 1));
      });
    }
  });

  test('a Deflated Explicit VR Little Endian data set decodes to the pixels pydicom reads', async ({ page, webHost }) => {
    test.skip(!pydicomAvailable(), `pydicom or numpy cannot be used by ${pythonWithPydicom}: the expected pixels come from it`);
    const file = sharedDataPath('dicom', 'conformance', 'cornerstone', deflatedCt);
    const expected = storedValuesWithPydicom(file);
    const sopInstanceUid = await seedOnFreshPage(page, webHost, file);
    const decoded = await decode(page, sopInstanceUid);
    expect([decoded.rows, decoded.columns], deflatedCt).toEqual([expected.rows, expected.columns]);
    const difference = meanAbsoluteError(decoded, expected, 0);
    console.log(`${deflatedCt}: mean |difference| ${difference} from pydicom`);
    expect(difference, deflatedCt).toBe(0);
  });

  test('parametric maps with Float and Double Float Pixel Data decode to the values pydicom reads, as 32-bit floats', async ({ page, webHost }) => {
    test.skip(!pydicomAvailable(), `pydicom or numpy cannot be used by ${pythonWithPydicom}: the expected values come from it`);
    for (const name of ['parametric_map_float.dcm', 'parametric_map_double_float.dcm']) {
      const file = sharedDataPath('dicom', 'conformance', 'pydicom-data', name);
      const expected = floatValuesWithPydicom(file);
      const sopInstanceUid = await seedOnFreshPage(page, webHost, file);
      const decoded = await decode(page, sopInstanceUid);
      expect([decoded.rows, decoded.columns], name).toEqual([expected.rows, expected.columns]);
      const pixels = pixelsOf(decoded);
      let differing = 0;
      // The viewer renders 32-bit floats: each value must be the double rounded to the nearest float.
      for (let i = 0; i < expected.values.length; i++) if (pixels[i] !== Math.fround(expected.values[i] ?? NaN)) differing++;
      const range = expected.values.reduce((top, v) => Math.max(top, v), 0);
      console.log(`${name}: ${expected.values.length} values up to ${range.toFixed(4)}, ${differing} differ from pydicom's (rounded to float32)`);
      expect(range, `${name} is not blank`).toBeGreaterThan(0);
      expect(differing, name).toBe(0);
    }
  });

  test('32-bit RGB samples, little and big endian, one and two frames, decode to the values pydicom reads', async ({ page, webHost }) => {
    test.skip(!pydicomAvailable(), `pydicom or numpy cannot be used by ${pythonWithPydicom}: the expected values come from it`);
    for (const name of ['SC_rgb_32bit.dcm', 'SC_rgb_expb_32bit.dcm', 'SC_rgb_32bit_2frame.dcm', 'SC_rgb_expb_32bit_2frame.dcm']) {
      const file = sharedDataPath('dicom', 'conformance', 'pydicom-data', name);
      const expected = unsignedValuesWithPydicom(file);
      const sopInstanceUid = await seedOnFreshPage(page, webHost, file);
      const size = expected.rows * expected.columns * expected.samplesPerPixel;
      for (let frame = 0; frame < expected.frames; frame++) {
        const decoded = await decode(page, sopInstanceUid, expected.frames > 1 ? frame + 1 : undefined);
        expect([decoded.rows, decoded.columns, decoded.samplesPerPixel], name).toEqual([expected.rows, expected.columns, expected.samplesPerPixel]);
        const pixels = pixelsOf(decoded);
        let differing = 0;
        for (let i = 0; i < size; i++) if (pixels[i] !== expected.values[frame * size + i]) differing++;
        const distinct = new Set(expected.values.subarray(frame * size, (frame + 1) * size)).size;
        console.log(`${name} frame ${frame + 1}: ${size} samples, ${distinct} distinct values, ${differing} differ from pydicom's`);
        expect(distinct, `${name} is not blank`).toBeGreaterThan(2);
        expect(differing, `${name} frame ${frame + 1}`).toBe(0);
      }
    }
  });

  test('1-bit SEG frames stored natively decode to exactly the bits pydicom reads, non-byte-aligned frames included', async ({ page, webHost }) => {
    test.setTimeout(300_000);
    test.skip(!pydicomAvailable(), `pydicom or numpy cannot be used by ${pythonWithPydicom}: the expected bits come from it`);
    const dir = sharedDataPath('dicom', 'conformance', 'pydicom-data');
    for (const name of oneBitSegs) {
      const file = path.join(dir, name);
      const expected = runPydicom<{ rows: number; columns: number; frames: string[] }>(expectedBitsScript, [file]);
      const sopInstanceUid = await seedOnFreshPage(page, webHost, file);
      expect(expected.frames.length, name).toBe(3);
      for (const [index, packed] of expected.frames.entries()) {
        const decoded = await decode(page, sopInstanceUid, index + 1);
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
  // The Buffer itself: dicom-parser inflates a deflated data set only from a Node Buffer.
  const ds = dicomParser.parseDicom(bytes, { untilTag: 'x00080016' });
  return (ds.string('x00020010') ?? '').trim();
}
