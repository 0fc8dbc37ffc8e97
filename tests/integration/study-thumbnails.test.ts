import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Thumbnail } from '../../src-shared/domain/studies';
import { openCacheDatabase } from '../../src-main/studies/cache/database';
import { createStudyService, type StudyService } from '../../src-main/studies/study-service';
import { decodeFrame } from '../../src-main/dicom/pixel-decoding/decode-frame';
import { pydicomAvailable, runPydicom } from '../helpers/pydicom';
import { dicomFilesIn, seedFiles } from '../helpers/seed-cache';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/** Reads a PNG the long way: signature, every chunk's CRC (node:zlib's), IHDR, and the inflated rows. */
function decodePng(png: Buffer): { width: number; height: number; colourType: number; rows: Buffer[] } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  const chunks: { type: string; data: Buffer }[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length), `CRC of ${type}`).toBe(zlib.crc32(png.subarray(offset + 4, offset + 8 + length)));
    chunks.push({ type, data });
    offset += 12 + length;
  }
  expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const header = chunks[0]!.data;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const colourType = header[9]!;
  expect(header[8]).toBe(8);
  const channels = colourType === 0 ? 1 : 3;
  const raw = zlib.inflateSync(chunks[1]!.data);
  expect(raw.length).toBe(height * (1 + width * channels));
  const rows = Array.from({ length: height }, (_, y) => {
    expect(raw[y * (1 + width * channels)]).toBe(0); // filter type "none"
    return raw.subarray(y * (1 + width * channels) + 1, (y + 1) * (1 + width * channels));
  });
  return { width, height, colourType, rows };
}

function pngOf(thumbnail: Thumbnail): Buffer {
  if (thumbnail.status !== 'ready') throw new Error(`expected a thumbnail, got: ${thumbnail.reason}`);
  expect(thumbnail.dataUrl.startsWith('data:image/png;base64,')).toBe(true);
  return Buffer.from(thumbnail.dataUrl.slice('data:image/png;base64,'.length), 'base64');
}

/**
 * Both expected-thumbnail scripts window the same way: the file's first preset by the linear VOI
 * function (PS3.3 C.11.2.1.2), rounded to 8 bits, then 4×4 block means.
 */
const windowedBlockMeansPython = `
def windowed_block_means(hu, d):
    wc = d.WindowCenter; ww = d.WindowWidth
    c = float(wc[0] if isinstance(wc, pydicom.multival.MultiValue) else wc)
    w = float(ww[0] if isinstance(ww, pydicom.multival.MultiValue) else ww)
    g = ((hu - (c - 0.5)) / (w - 1) + 0.5) * 255
    g = np.where(hu <= c - 0.5 - (w - 1) / 2, 0, np.where(hu > c - 0.5 + (w - 1) / 2, 255, g))
    g = np.round(np.clip(g, 0, 255))
    h, wd = g.shape
    return g.reshape(h // 4, 4, wd // 4, 4).mean(axis=(1, 3))
`;

/**
 * The expected CT thumbnail, computed with pydicom and numpy: the middle slice by
 * position, rescaled, windowed with the file's first preset by the linear VOI function
 * (PS3.3 C.11.2.1.2), then 4×4 block means.
 */
const expectedCtScript = `
import json, sys, pydicom, numpy as np
${windowedBlockMeansPython}
slices = []
for f in sys.argv[1:]:
    d = pydicom.dcmread(f)
    o = np.array(d.ImageOrientationPatient, float); n = np.cross(o[:3], o[3:])
    slices.append((float(np.array(d.ImagePositionPatient, float) @ n), int(d.InstanceNumber), f))
slices.sort()
d = pydicom.dcmread(slices[len(slices) // 2][2])
hu = d.pixel_array.astype(float) * float(d.RescaleSlope) + float(d.RescaleIntercept)
small = windowed_block_means(hu, d)
print(json.dumps({"sop": str(d.SOPInstanceUID), "pixels": np.round(small).astype(int).ravel().tolist()}))
`;

const havePydicom = pydicomAvailable();
if (!havePydicom) console.warn('study-thumbnails: the pixel comparison is skipped, /usr/bin/python3 with pydicom and numpy is not installed.');

describe('series thumbnails', () => {
  const temp = makeTempDir();
  let service: StudyService;
  const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));
  const conformance = (name: string) => sharedDataPath('dicom', 'conformance', 'pydicom', name);
  const series = { ct: '', jpeg2000: '', rgb: '', smallMr: '', gone: '' };

  beforeAll(() => {
    const db = openCacheDatabase(temp.dir);
    seedFiles(db, temp.dir, ctFiles, { mode: 'link' });
    seedFiles(db, temp.dir, [conformance('JPEG2000.dcm'), conformance('SC_rgb.dcm'), conformance('MR_small.dcm')], { mode: 'link' });
    const goneFolder = path.join(temp.dir, 'gone');
    fs.mkdirSync(goneFolder);
    fs.copyFileSync(conformance('CT_small.dcm'), path.join(goneFolder, 'CT_small.dcm'));
    seedFiles(db, temp.dir, [path.join(goneFolder, 'CT_small.dcm')], { mode: 'link' });
    fs.rmSync(goneFolder, { recursive: true });
    const seriesOf = (sopSuffix: string) =>
      (db.prepare('SELECT series_instance_uid AS uid FROM instances WHERE file_path LIKE ?').get(`%${sopSuffix}`) as { uid: string }).uid;
    series.ct = seriesOf('/14.dcm');
    series.jpeg2000 = seriesOf('JPEG2000.dcm');
    series.rgb = seriesOf('SC_rgb.dcm');
    series.smallMr = seriesOf('MR_small.dcm');
    series.gone = seriesOf('CT_small.dcm');
    db.close();
    service = createStudyService(temp.dir);
  });
  afterAll(() => {
    service?.close();
    temp.cleanup();
  });

  it('makes a 128×128 greyscale PNG of the 512×512 CT and caches it', async () => {
    const thumbnail = await service.thumbnail(series.ct);
    const png = decodePng(pngOf(thumbnail));
    expect(png).toMatchObject({ width: 128, height: 128, colourType: 0 });
    expect(thumbnail).toMatchObject({ width: 128, height: 128 });
    const studyUid = service.list({ modality: 'CT' }).find((study) => study.instanceCount === 28)!.studyInstanceUid;
    expect(service.series(studyUid).find((entry) => entry.seriesInstanceUid === series.ct)?.hasThumbnail).toBe(true);
    expect(await service.thumbnail(series.ct)).toEqual(thumbnail);
  });

  it.skipIf(!havePydicom)('shows the middle slice in its window preset, as pydicom and numpy compute it', async () => {
    const expected = runPydicom<{ sop: string; pixels: number[] }>(expectedCtScript, ctFiles);
    const { rows } = decodePng(pngOf(await service.thumbnail(series.ct)));
    const ours = rows.flatMap((row) => [...row]);
    expect(ours).toHaveLength(expected.pixels.length);
    const differences = ours.map((value, index) => Math.abs(value - expected.pixels[index]!));
    expect(Math.max(...differences)).toBeLessThanOrEqual(1);
    // Not a blank image: a head CT in a brain window has both black and white.
    expect(Math.min(...ours)).toBe(0);
    expect(Math.max(...ours)).toBe(255);
  });

  it('makes a new thumbnail when the series gains an instance (the cached one is cleared)', async () => {
    const before = await service.thumbnail(series.ct);
    expect(before.status).toBe('ready');
    const db = openCacheDatabase(temp.dir);
    const hasThumbnail = () => (db.prepare('SELECT thumbnail IS NOT NULL AS cached FROM series WHERE series_instance_uid = ?').get(series.ct) as { cached: number }).cached;
    expect(hasThumbnail()).toBe(1);
    // A 29th instance: the first slice's file again under a new UID.
    seedFiles(db, temp.dir, [ctFiles[0]!], { mode: 'link', renameInstance: () => '1.2.826.0.1.3680043.8.498.600001' });
    expect(hasThumbnail()).toBe(0);
    db.prepare('DELETE FROM instances WHERE sop_instance_uid = ?').run('1.2.826.0.1.3680043.8.498.600001');
    db.close();
    const after = await service.thumbnail(series.ct);
    expect(after).toEqual(before);
  });

  it('keeps a small image at its own size, and renders RGB in colour', async () => {
    expect(decodePng(pngOf(await service.thumbnail(series.smallMr)))).toMatchObject({ width: 64, height: 64, colourType: 0 });
    const rgb = decodePng(pngOf(await service.thumbnail(series.rgb)));
    expect(rgb).toMatchObject({ width: 100, height: 100, colourType: 2 });
    // SC_rgb's top rows are pure red (pydicom's test pattern).
    expect([...rgb.rows[0]!.subarray(0, 3)]).toEqual([255, 0, 0]);
  });

  it('makes a thumbnail of a JPEG 2000 series too, decoded in the main process', async () => {
    const thumbnail = await service.thumbnail(series.jpeg2000);
    const png = decodePng(pngOf(thumbnail));
    expect(png.colourType).toBe(0);
    expect(Math.max(png.width, png.height)).toBe(128);
    // Not a blank frame: the decoded X-ray spans the window.
    const values = png.rows.flatMap((row) => [...row]);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(100);
  });

  it('says so when the files are missing, and refuses an unknown series', async () => {
    expect(await service.thumbnail(series.gone)).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/missing/) });
    await expect(service.thumbnail('1.2.3')).rejects.toThrow(/no series/);
  });
});

/**
 * JPEG baseline frames, decoded independently with Pillow (through pydicom's fragment
 * reader): the raw frame, then for the CT the same rescale, window and 4×4 block means as
 * above, and for the colour test pattern 5×5 block means of Pillow's RGB.
 */
const expectedJpegScript = `
import io, json, sys, pydicom, numpy as np
from PIL import Image
${windowedBlockMeansPython}
from pydicom.encaps import generate_pixel_data_frame
out = {}
for f in sys.argv[1:]:
    d = pydicom.dcmread(f)
    raw = np.array(Image.open(io.BytesIO(next(generate_pixel_data_frame(d.PixelData)))))
    if raw.ndim == 2:
        hu = raw.astype(float) * float(getattr(d, 'RescaleSlope', 1)) + float(getattr(d, 'RescaleIntercept', 0))
        small = windowed_block_means(hu, d)
    else:
        h, wd, _ = raw.shape
        small = raw.astype(float).reshape(h // 5, 5, wd // 5, 5, 3).mean(axis=(1, 3))
    out[str(d.SeriesInstanceUID)] = {"raw": raw.ravel().tolist(), "pixels": np.round(small).astype(int).ravel().tolist()}
print(json.dumps(out))
`;

describe('thumbnails of JPEG baseline series', () => {
  const temp = makeTempDir();
  let service: StudyService;
  const ct = sharedDataPath('dicom', 'conformance', 'cornerstone', 'CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm');
  const pattern = sharedDataPath('dicom', 'conformance', 'cornerstone', 'TestPattern_JPEG-Baseline_YBRFull.dcm');
  const seriesOf = (db: ReturnType<typeof openCacheDatabase>, file: string) =>
    (db.prepare('SELECT series_instance_uid AS uid FROM instances WHERE file_path = ?').get(file) as { uid: string }).uid;
  const uids = { ct: '', pattern: '' };

  beforeAll(() => {
    const db = openCacheDatabase(temp.dir);
    seedFiles(db, temp.dir, [ct, pattern], { mode: 'link' });
    uids.ct = seriesOf(db, ct);
    uids.pattern = seriesOf(db, pattern);
    db.close();
    service = createStudyService(temp.dir);
  });
  afterAll(() => {
    service?.close();
    temp.cleanup();
  });

  it.skipIf(!havePydicom)('decodes the grey CT and the colour pattern as Pillow does, then windows and scales them', async () => {
    const expected = runPydicom<Record<string, { raw: number[]; pixels: number[] }>>(expectedJpegScript, [ct, pattern]);
    const meanAndMax = (ours: number[], theirs: number[]) => {
      expect(ours).toHaveLength(theirs.length);
      const differences = ours.map((value, index) => Math.abs(value - theirs[index]!));
      return { mean: differences.reduce((sum, d) => sum + d, 0) / differences.length, max: differences.reduce((most, d) => Math.max(most, d), 0) };
    };
    // The decoded frames: two JPEG decoders may round the inverse DCT differently by a level,
    // and colour adds the YCbCr conversion and chroma upsampling (libjpeg-turbo's wasm build and Pillow's libjpeg may differ in version and options).
    for (const [file, uid, samplesPerPixel, tolerance] of [
      [ct, uids.ct, 1, 2],
      [pattern, uids.pattern, 3, 4],
    ] as const) {
      const bytes = fs.readFileSync(file);
      const dataSet = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      const decoded = await decodeFrame(dataSet, 0);
      expect(decoded.samplesPerPixel).toBe(samplesPerPixel);
      const raw = meanAndMax([...decoded.samples], expected[uid]!.raw);
      expect(raw.max, uid).toBeLessThanOrEqual(tolerance);
      expect(raw.mean, uid).toBeLessThan(0.3);
    }

    const grey = decodePng(pngOf(await service.thumbnail(uids.ct)));
    expect(grey).toMatchObject({ width: 128, height: 128, colourType: 0 });
    const colour = decodePng(pngOf(await service.thumbnail(uids.pattern)));
    expect(colour).toMatchObject({ width: 128, height: 80, colourType: 2 });
    const greyOurs = grey.rows.flatMap((row) => [...row]);
    const greyDiff = meanAndMax(greyOurs, expected[uids.ct]!.pixels);
    // The CT stores 8 bits with a rescale slope of 32 in a 400 HU window: one stored level is
    // about 20 display levels, so a one-level decoder difference moves a 4×4 block mean by up to ~1.3.
    expect(greyDiff.max).toBeLessThanOrEqual(8);
    expect(greyDiff.mean).toBeLessThan(0.5);
    expect(Math.min(...greyOurs)).toBe(0);
    expect(Math.max(...greyOurs)).toBe(255);
    const colourDiff = meanAndMax(colour.rows.flatMap((row) => [...row]), expected[uids.pattern]!.pixels);
    expect(colourDiff.max).toBeLessThanOrEqual(2);
    expect(colourDiff.mean).toBeLessThan(0.5);
  });
});
