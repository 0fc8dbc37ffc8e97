import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Segmentation, SegmentationFrame } from '../../src-shared/contract/viewer-segmentation';
import { readSegmentation } from '../../src-main/viewer/segmentation-reader';
import { pydicomAvailable, pythonWithPydicom, runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';

/**
 * The main process's reading of DICOM Segmentations for the viewer's overlay, checked against
 * pydicom: the corpus's liver SEGs (one segment, three 1-bit frames, stored natively little and
 * big endian, with deflated or RLE frames, and 510×510 frames that do not start on a byte) and a SEG
 * with two segments that pydicom writes here, BINARY and FRACTIONAL.
 */
const corpus = sharedDataPath('dicom', 'conformance', 'pydicom-data');
/** Each liver SEG, and the file pydicom reads the expected masks from: itself, or (RLE, which pydicom 2 cannot decode at 1 bit) the same SEG stored natively. */
const livers: [string, string][] = [
  ['liver.dcm', 'liver.dcm'],
  ['liver_expb.dcm', 'liver_expb.dcm'],
  ['liver_deflate.dcm', 'liver_deflate.dcm'],
  ['liver_nonbyte_aligned.dcm', 'liver_nonbyte_aligned.dcm'],
  ['liver_nonbyte_aligned_deflate.dcm', 'liver_nonbyte_aligned_deflate.dcm'],
  ['liver_rle.dcm', 'liver.dcm'],
  ['liver_nonbyte_aligned_rle.dcm', 'liver_nonbyte_aligned.dcm'],
];
const skipReason = pydicomAvailable() ? undefined : `pydicom or numpy cannot be used by ${pythonWithPydicom}: the expected values come from it`;

interface PydicomSeg {
  rows: number;
  columns: number;
  frames: { source: string | null; position: number[] | null; segment: number; values: string }[];
}

/** Every frame's values as pydicom reads them (deflated frames inflated with zlib), one byte a pixel, base64. */
const pydicomFramesScript = `
import base64, json, sys, zlib
import numpy as np, pydicom
from pydicom.encaps import generate_pixel_data_frame
ds = pydicom.dcmread(sys.argv[1])
count, size = int(getattr(ds, 'NumberOfFrames', 1)), ds.Rows * ds.Columns
if ds.file_meta.TransferSyntaxUID == '1.2.840.10008.1.2.8.1':
    frames = [np.unpackbits(np.frombuffer(zlib.decompress(f, -15), np.uint8), bitorder='little')[:size] for f in generate_pixel_data_frame(ds.PixelData, count)]
else:
    frames = list(ds.pixel_array.reshape(count, size))
out = []
for index, item in enumerate(ds.PerFrameFunctionalGroupsSequence):
    source = None
    if 'DerivationImageSequence' in item and 'SourceImageSequence' in item.DerivationImageSequence[0]:
        source = item.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
    position = [float(v) for v in item.PlanePositionSequence[0].ImagePositionPatient] if 'PlanePositionSequence' in item else None
    segment = int(item.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
    out.append({'source': source, 'position': position, 'segment': segment, 'values': base64.b64encode(frames[index].astype(np.uint8).tobytes()).decode()})
print(json.dumps({'rows': ds.Rows, 'columns': ds.Columns, 'frames': out}))
`;

/** A frame's mask spread back over the whole SEG frame, one value a pixel. */
function fullFrame(segmentation: Segmentation, frame: SegmentationFrame): Uint8Array {
  const bytes = Buffer.from(frame.mask, 'base64');
  const out = new Uint8Array(segmentation.rows * segmentation.columns);
  const { row, column, rows, columns } = frame.box;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      const value = segmentation.segmentationType === 'BINARY' ? ((bytes[i >> 3] ?? 0) >> (i & 7)) & 1 : (bytes[i] ?? 0);
      out[(row + r) * segmentation.columns + column + c] = value;
    }
  }
  return out;
}

function expectSameFrames(segmentation: Segmentation, expected: PydicomSeg, name: string): void {
  const nonEmpty = expected.frames.map((frame, index) => ({ ...frame, index })).filter((frame) => Buffer.from(frame.values, 'base64').some((v) => v !== 0));
  expect(segmentation.frames.map((frame) => frame.frame), name).toEqual(nonEmpty.map((frame) => frame.index));
  expect(segmentation.emptyFrames, name).toBe(expected.frames.length - nonEmpty.length);
  for (const [position, frame] of segmentation.frames.entries()) {
    const reference = nonEmpty[position]!;
    expect(frame.segmentNumber, `${name} frame ${frame.frame}`).toBe(reference.segment);
    expect(frame.referencedSopInstanceUid, `${name} frame ${frame.frame}`).toBe(reference.source);
    if (reference.position) frame.imagePositionPatient?.forEach((v, axis) => expect(v).toBeCloseTo(reference.position![axis]!, 4));
    else expect(frame.imagePositionPatient).toBeNull();
    const values = Buffer.from(reference.values, 'base64');
    const mine = fullFrame(segmentation, frame);
    let differing = 0;
    let set = 0;
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== 0) set++;
      if (values[i] !== mine[i]) differing++;
    }
    console.log(`${name} frame ${frame.frame + 1}: ${set} pixels set (pydicom), box ${frame.box.columns}×${frame.box.rows}, ${differing} differ`);
    expect(set).toBeGreaterThan(0);
    expect(differing, `${name} frame ${frame.frame}`).toBe(0);
  }
}

describe.skipIf(skipReason !== undefined)(`reading SEG objects for the overlay${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-seg-'));
  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  for (const [name, reference] of livers) {
    it(`reads ${name}: the liver segment, its colour, and each frame's source and mask as pydicom does`, async () => {
      const segmentation = await readSegmentation(path.join(corpus, name), '1.2.3');
      const expected = runPydicom<PydicomSeg>(pydicomFramesScript, [path.join(corpus, reference)]);
      expect(segmentation.segmentationType).toBe('BINARY');
      expect([segmentation.rows, segmentation.columns]).toEqual([expected.rows, expected.columns]);
      expect(segmentation.segments).toHaveLength(1);
      expect(segmentation.segments[0]).toMatchObject({ number: 1, label: 'Liver', propertyType: 'Liver', colourSource: 'recommended' });
      // dcmqi wrote 3D Slicer's liver colour, RGB (221, 130, 101), as CIELab (41661, 41167, 40792).
      segmentation.segments[0]!.rgb.forEach((value, channel) => expect(Math.abs(value - [221, 130, 101][channel]!)).toBeLessThanOrEqual(2));
      expect(segmentation.referencedSeriesInstanceUids).toEqual(['1.2.392.200103.20080913.113635.1.2009.6.22.21.43.10.23430.1']);
      expect(segmentation.imageOrientationPatient).toEqual([1, 0, 0, 0, 1, 0]);
      expect(segmentation.pixelSpacing?.[0]).toBeCloseTo(0.810547, 5);
      expectSameFrames(segmentation, expected, name);
    });
  }

  for (const type of ['BINARY', 'FRACTIONAL'] as const) {
    it(`reads a ${type} SEG with two segments: labels, recommended and palette colours, references by UID and by position`, async () => {
      const dir = fs.mkdtempSync(path.join(workDir, type));
      const written = JSON.parse(execFileSync(pythonWithPydicom, [path.join('tests', 'helpers', 'segmentation_objects.py'), dir, type], { encoding: 'utf8' })) as {
        sources: string[];
        sourceSeries: string;
        seg: { path: string; sop: string; series: string };
      };
      const segmentation = await readSegmentation(written.seg.path, written.seg.sop);
      expect(segmentation).toMatchObject({
        sopInstanceUid: written.seg.sop,
        seriesInstanceUid: written.seg.series,
        contentLabel: 'TEST_SEG',
        segmentationType: type,
        maximumFractionalValue: type === 'BINARY' ? 1 : 255,
        referencedSeriesInstanceUids: [written.sourceSeries],
      });
      expect(segmentation.segments.map((s) => [s.number, s.label, s.colourSource])).toEqual([
        [1, 'Lesion', 'recommended'],
        [2, 'Kidney', 'palette'],
      ]);
      segmentation.segments[0]!.rgb.forEach((value, channel) => expect(Math.abs(value - [255, 0, 0][channel]!)).toBeLessThanOrEqual(2));
      expect(segmentation.segments[1]!.rgb).not.toEqual(segmentation.segments[0]!.rgb);
      expect(segmentation.frames.map((f) => f.referencedSopInstanceUid)).toEqual([written.sources[1], null]);
      expect(segmentation.frames.map((f) => f.box)).toEqual([
        { row: 8, column: 8, rows: 16, columns: 16 },
        { row: 40, column: 40, rows: 16, columns: 16 },
      ]);
      expectSameFrames(segmentation, runPydicom<PydicomSeg>(pydicomFramesScript, [written.seg.path]), `${type} SEG`);
    });
  }

  it('refuses an object that is not a Segmentation, saying so', async () => {
    await expect(readSegmentation(sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm'), '1.2.3')).rejects.toThrow(/not a Segmentation/);
  });
});
