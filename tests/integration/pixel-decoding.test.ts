import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFrame, PixelDecodeError, type DecodedFrame } from '../../src-main/dicom/pixel-decoding/decode-frame';
import { PixelReadError, readSlice } from '../../src-main/inference/pixels/dicom-pixels';
import { hasZstd, readRawImage, readZstdRawImage, type RawImage } from '../helpers/dicom-pixels';
import { pydicomAvailable, runPydicom } from '../helpers/pydicom';
import { dicomFilesIn } from '../helpers/seed-cache';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// The main process's own decoders against the uncompressed originals of the NEMA WG04 set
// (REF/*_UNC.zst, read with an independent little parser in tests/helpers/dicom-pixels.ts).
const zstdMissing = !hasZstd();
if (zstdMissing) console.warn('pixel-decoding WG04 tests skipped: the zstd tool is not installed (apt-get install zstd); the references are zstd-compressed');

const wg04 = (...parts: string[]): string => sharedDataPath('dicom', 'conformance', 'wg04', ...parts);

function parse(file: string): dicomParser.DataSet {
  const bytes = fs.readFileSync(file);
  return dicomParser.parseDicom(bytes);
}

const references = new Map<string, RawImage>();
function referenceFor(file: string): RawImage {
  const name = `${path.basename(file).split('_')[0] ?? ''}_UNC.zst`;
  let reference = references.get(name);
  if (!reference) {
    reference = readZstdRawImage(wg04('REF', name));
    references.set(name, reference);
  }
  return reference;
}

interface Difference {
  maxAbs: number;
  rmse: number;
  /** The reference frame's value range, the scale the RMSE is judged against. */
  range: number;
}

function compare(decoded: DecodedFrame, reference: RawImage, frame: number): Difference {
  expect([decoded.rows, decoded.columns, decoded.samplesPerPixel]).toEqual([reference.rows, reference.columns, reference.samplesPerPixel]);
  const count = reference.rows * reference.columns * reference.samplesPerPixel;
  const base = frame * count;
  let maxAbs = 0;
  let squares = 0;
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < count; i += 1) {
    const expected = reference.values[base + i]!;
    const difference = Math.abs(decoded.samples[i]! - expected);
    maxAbs = Math.max(maxAbs, difference);
    squares += difference * difference;
    low = Math.min(low, expected);
    high = Math.max(high, expected);
  }
  return { maxAbs, rmse: Math.sqrt(squares / count), range: high - low };
}

/** The NEAR parameter of a JPEG-LS stream's first scan (SOS, ITU-T T.87 C.2.3): the bound on every sample's error. */
function jpegLsNear(dataSet: dicomParser.DataSet): number {
  const fragment = dataSet.elements.x7fe00010!.fragments![0]!;
  const bytes = dataSet.byteArray.subarray(fragment.position, fragment.position + fragment.length);
  for (let i = 0; i + 1 < bytes.length; i += 1) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xda) {
      const components = bytes[i + 4]!;
      return bytes[i + 5 + components * 2]!;
    }
  }
  throw new Error('no SOS marker in the JPEG-LS stream');
}

const framesToCheck = (reference: RawImage): number[] => [...new Set([0, reference.frames - 1])];

describe.skipIf(zstdMissing)('WG04 lossless files decode to exactly the uncompressed references', () => {
  const files = ['J2KR', 'JLSL', 'JPLL', 'RLE'].flatMap((dir) => dicomFilesIn(wg04(dir)));
  it.each(files.map((file) => [path.basename(file), file]))('%s', async (_name, file) => {
    const reference = referenceFor(file);
    const dataSet = parse(file);
    for (const frame of framesToCheck(reference)) {
      const decoded = await decodeFrame(dataSet, frame);
      expect(compare(decoded, reference, frame).maxAbs).toBe(0);
    }
  });
});

describe.skipIf(zstdMissing)('WG04 lossy files decode close to the uncompressed references', () => {
  it.each(dicomFilesIn(wg04('JLSN')).map((file) => [path.basename(file), file]))('%s: JPEG-LS near-lossless stays within its NEAR bound', async (_name, file) => {
    const reference = referenceFor(file);
    const dataSet = parse(file);
    const near = jpegLsNear(dataSet);
    const difference = compare(await decodeFrame(dataSet, 0), reference, 0);
    // T.87 guarantees |error| <= NEAR for every sample; a wrong decode breaks it at once.
    expect(difference.maxAbs).toBeLessThanOrEqual(near);
    expect(near).toBeGreaterThan(0);
  });

  // Irreversible JPEG 2000 and DCT JPEG bound no single sample, so the check is on the whole
  // frame: an RMS error under 3% of the image's range (measured: 0.2% to 2.6%, the worst the
  // noisy low-count NM1). Decoding the wrong image, byte order, sign or colour order gives tens
  // of percent (an unrelated 8-bit RGB image: about 48%); the figures are printed.
  const lossy = [...dicomFilesIn(wg04('J2KI')), ...dicomFilesIn(wg04('JPLY'))];
  it.each(lossy.map((file) => [path.basename(file), file]))('%s: RMS error within 3%% of the range, or a clear refusal', async (name, file) => {
    const reference = referenceFor(file);
    const dataSet = parse(file);
    const bitsStored = dataSet.uint16('x00280101') ?? 8;
    if (name.endsWith('_JPLY') && bitsStored > 8) {
      // 12-bit DCT JPEG needs a 12-bit codec, which the main process does not have.
      await expect(decodeFrame(dataSet, 0)).rejects.toThrow(new RegExp(`${bitsStored}-bit JPEG Extended is not supported`));
      return;
    }
    const difference = compare(await decodeFrame(dataSet, 0), reference, 0);
    console.log(`${name}: max |error| ${difference.maxAbs}, RMSE ${difference.rmse.toFixed(2)} (${((100 * difference.rmse) / difference.range).toFixed(2)}% of range ${difference.range})`);
    expect(difference.rmse / difference.range).toBeLessThan(0.03);
  });
});

/**
 * pydicom 2.3 here cannot decode HTJ2K, and the corpus has no uncompressed original of these
 * two files; Pillow's JPEG 2000 plugin can (OpenJPEG 2.5 reads HTJ2K), and it is a different
 * decoder from the OpenJPH build under test.
 */
const pillowHtj2kScript = `
import io, json, sys, pydicom, numpy as np
from PIL import Image
from pydicom.encaps import generate_pixel_data_frame
d = pydicom.dcmread(sys.argv[1])
a = np.array(Image.open(io.BytesIO(next(generate_pixel_data_frame(d.PixelData)))))
print(json.dumps({"shape": list(a.shape), "values": a.ravel().tolist()}))
`;

function pillowCanDecodeHtj2k(): string | undefined {
  if (!pydicomAvailable()) return 'pydicom is not available';
  try {
    runPydicom<unknown>('from PIL import features; import json; v = features.version("jpg_2000"); assert v and tuple(map(int, v.split("."))) >= (2, 5), v; print("1")');
    return undefined;
  } catch (error) {
    return `Pillow's OpenJPEG is missing or older than 2.5 (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

const pillowProblem = pillowCanDecodeHtj2k();
if (pillowProblem) console.warn(`HTJ2K reference tests skipped: ${pillowProblem}`);

describe.skipIf(pillowProblem !== undefined)('HTJ2K decodes as OpenJPEG (through Pillow) does', () => {
  const pydicomData = (name: string): string => sharedDataPath('dicom', 'conformance', 'pydicom-data', name);

  it.each([
    // Reversible: two correct decoders must agree exactly.
    ['HTJ2KLossless_08_RGB.dcm', '1.2.840.10008.1.2.4.201', 0],
    // Irreversible: the 9/7 wavelet is computed in floating or fixed point as each decoder likes,
    // so a sample may round one level apart (measured: at most 1).
    ['HTJ2K_08_RGB.dcm', '1.2.840.10008.1.2.4.203', 2],
  ] as const)('%s (%s) within %i of Pillow', async (name, syntax, tolerance) => {
    const file = pydicomData(name);
    const dataSet = parse(file);
    expect(dataSet.string('x00020010')).toBe(syntax);
    const expected = runPydicom<{ shape: number[]; values: number[] }>(pillowHtj2kScript, [file]);
    const decoded = await decodeFrame(dataSet, 0);
    expect([decoded.rows, decoded.columns, decoded.samplesPerPixel]).toEqual(expected.shape);
    let worst = 0;
    for (let i = 0; i < expected.values.length; i += 1) worst = Math.max(worst, Math.abs(decoded.samples[i]! - expected.values[i]!));
    console.log(`${name}: max |difference| from Pillow ${worst}`);
    expect(worst).toBeLessThanOrEqual(tolerance);
  });
});

describe('frames of encapsulated multi-frame data, with and without offset tables (dicomParser test files)', () => {
  const multi = (name: string): string => sharedDataPath('dicom', 'conformance', 'dicomparser', 'encapsulated', 'multi-frame', name);
  const ct = readRawImage(multi('CT0012.explicit_little_endian.dcm'));

  it.each([
    'CT0012.fragmented_no_bot_jpeg_lossless.57.dcm',
    'CT0012.fragmented_no_bot_jpeg_lossless.70.dcm',
    'CT0012.fragmented_no_bot_jpeg_ls.80.dcm',
    'CT0012.not_fragmented_no_bot_jpeg_ls.80.dcm',
    'CT0012.not_fragmented_bot_jpeg_ls.80.dcm',
    'CT0012.not_fragmented_bot_rle.dcm',
    'CT0012.not_fragmented_no_bot_rle.dcm',
  ])('%s: both frames equal the uncompressed file', async (name) => {
    const dataSet = parse(multi(name));
    for (const frame of [0, 1]) expect(compare(await decodeFrame(dataSet, frame), ct, frame).maxAbs, `frame ${frame}`).toBe(0);
  });

  it('JPEG baseline in YBR_FULL, fragmented without a table, comes out as RGB close to the uncompressed RGB file', async () => {
    const dataSet = parse(multi('IM00001.fragmented_no_bot_jpeg_baseline.50.dcm'));
    const rgb = readRawImage(multi('IM00001.implicit_little_endian.dcm'));
    for (const frame of [0, 7]) {
      const decoded = await decodeFrame(dataSet, frame);
      expect(decoded.photometricInterpretation).toBe('RGB');
      const difference = compare(decoded, rgb, frame);
      console.log(`IM00001 frame ${frame}: RMSE ${difference.rmse.toFixed(2)} of range ${difference.range}`);
      // Lossy DCT with chroma subsampling: same 3% of range bound as the other lossy files.
      expect(difference.rmse / difference.range).toBeLessThan(0.03);
    }
  });
});

describe('broken compressed data is refused with a reason, and the codecs keep working', () => {
  const temp = makeTempDir();
  afterAll(() => temp.cleanup());

  // Each file's last fragment is cut short in memory: a truncated codestream inside a valid file.
  it.each([
    [wg04('J2KR', 'CT1_J2KR'), /jpeg-2000 codec found no image/],
    [wg04('JLSL', 'CT1_JLSL'), /jpeg-ls codec could not decode/],
    [wg04('JPLL', 'CT1_JPLL'), /does not end with its end marker/],
    [wg04('RLE', 'CT1_RLE'), /RLE segment \d+ (ends inside|lies outside)/],
    [sharedDataPath('dicom', 'conformance', 'pydicom-data', 'HTJ2K_08_RGB.dcm'), /does not end with its end marker/],
    [sharedDataPath('dicom', 'conformance', 'cornerstone', 'CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm'), /jpeg-8bit codec could not decode/],
  ])('%s, truncated', async (file, reason) => {
    const dataSet = parse(file);
    const fragments = dataSet.elements.x7fe00010!.fragments!;
    const last = fragments[fragments.length - 1]!;
    last.length = Math.floor(last.length / 2);
    await expect(decodeFrame(dataSet, 0)).rejects.toThrow(reason);
    await expect(decodeFrame(dataSet, 0)).rejects.toBeInstanceOf(PixelDecodeError);
    // The same codec still decodes an intact frame afterwards.
    const intact = await decodeFrame(parse(file), 0);
    expect(intact.samples.length).toBe(intact.rows * intact.columns * intact.samplesPerPixel);
  });

  it('truncated compressed files on disk give inference a clear error naming the file', async () => {
    const source = fs.readFileSync(wg04('J2KR', 'MR1_J2KR'));
    const named = (file: string, reason: string): RegExp => new RegExp(`Cannot read pixels from ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*${reason}`);
    // Cut anywhere: the file itself ends early.
    const cut = path.join(temp.dir, 'MR1_J2KR_cut.dcm');
    fs.writeFileSync(cut, source.subarray(0, Math.floor(source.length * 0.6)));
    await expect(readSlice(cut)).rejects.toThrow(named(cut, 'truncated or corrupt'));
    await expect(readSlice(cut)).rejects.toBeInstanceOf(PixelReadError);
    // A well-formed file whose only fragment holds half of the codestream: the codec must say so.
    const dataSet = parse(wg04('J2KR', 'MR1_J2KR'));
    const fragment = dataSet.elements.x7fe00010!.fragments![0]!;
    const half = Math.floor(fragment.length / 4) * 2;
    const item = Buffer.alloc(8);
    item.writeUInt16LE(0xfffe, 0);
    item.writeUInt16LE(0xe000, 2);
    item.writeUInt32LE(half, 4);
    const end = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
    const shortStream = path.join(temp.dir, 'MR1_J2KR_short_stream.dcm');
    fs.writeFileSync(shortStream, Buffer.concat([source.subarray(0, fragment.position - 8), item, source.subarray(fragment.position, fragment.position + half), end]));
    await expect(readSlice(shortStream)).rejects.toThrow(named(shortStream, 'jpeg-2000 codec found no image'));
  });
});
