import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFrame } from '../../src-main/dicom/pixel-decoding/decode-frame';
import { encapsulatedFrame } from '../../src-main/dicom/pixel-decoding/encapsulated-frames';
import { fragmentedFramesOf } from '../../src-renderer/viewer/loader/fragmented-frames';
import { concatenateBytes } from '../../src-shared/dicom/encapsulated-frames';
import { readRawImage } from '../helpers/dicom-pixels';
import { pydicomAvailable, runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * A multi-frame JPEG 2000 image with no offset table and each frame split over two fragments,
 * the case the two processes' old copies disagreed on (the main process made a thumbnail, the
 * viewer refused it). The file is written by pydicom from a real lossless JPEG 2000 file; the
 * expected pixels are the uncompressed original's, read by the test's own parser.
 */
const canWrite = pydicomAvailable();
if (!canWrite) console.warn('encapsulated-frames-both-processes skipped: pydicom and numpy are needed to write the fragmented file');

const temp = makeTempDir('radstation-j2k-fragments-');
afterAll(() => temp.cleanup());

function writeFragmentedCopy(source: string, target: string): { frames: number; fragments: number; hasBot: boolean } {
  return runPydicom(
    `
import json, sys
import pydicom
from pydicom.encaps import encapsulate, generate_pixel_data_frame
ds = pydicom.dcmread(sys.argv[1])
frames = int(ds.NumberOfFrames)
codestreams = list(generate_pixel_data_frame(ds.PixelData, frames))
ds.PixelData = encapsulate(codestreams, fragments_per_frame=2, has_bot=False)
ds.save_as(sys.argv[2])
check = pydicom.dcmread(sys.argv[2])
from pydicom.encaps import generate_pixel_data_fragment, get_frame_offsets
from pydicom.filebase import DicomBytesIO
fp = DicomBytesIO(check.PixelData); fp.is_little_endian = True
has_bot, offsets = get_frame_offsets(fp)
print(json.dumps({"frames": frames, "fragments": sum(1 for _ in generate_pixel_data_fragment(fp)), "hasBot": has_bot}))
`,
    [source, target],
  );
}

describe.skipIf(!canWrite)('a multi-frame JPEG 2000 image with no offset table', () => {
  const source = sharedDataPath('dicom', 'conformance', 'pydicom-data', 'emri_small_jpeg_2k_lossless.dcm');
  const uncompressed = readRawImage(sharedDataPath('dicom', 'conformance', 'pydicom-data', 'emri_small.dcm'));
  const fragmented = path.join(temp.dir, 'emri_small_j2k_fragmented.dcm');

  it('is written as two fragments a frame with an empty Basic Offset Table', () => {
    expect(writeFragmentedCopy(source, fragmented)).toEqual({ frames: 10, fragments: 20, hasBot: false });
  });

  it('decodes in the main process to exactly the uncompressed original, frame by frame', async () => {
    const dataSet = dicomParser.parseDicom(fs.readFileSync(fragmented));
    const count = uncompressed.rows * uncompressed.columns;
    for (let frame = 0; frame < 10; frame++) {
      const decoded = await decodeFrame(dataSet, frame);
      expect(Array.from(decoded.samples)).toEqual(Array.from(uncompressed.values.subarray(frame * count, (frame + 1) * count)));
    }
  });

  it('gives the viewer the same codestream for every frame as the main process', () => {
    const dataSet = dicomParser.parseDicom(fs.readFileSync(fragmented));
    const pixelData = dataSet.elements.x7fe00010!;
    // The shape Cornerstone's naturalized data set has with an empty offset table: one item per fragment.
    const items = (pixelData.fragments ?? []).map((fragment) => [dataSet.byteArray.slice(fragment.position, fragment.position + fragment.length)]);
    const grouped = fragmentedFramesOf({ PixelData: items, NumberOfFrames: '10', TransferSyntaxUID: '1.2.840.10008.1.2.4.90' });
    expect(grouped?.frames).toBeInstanceOf(Array);
    const viewerFrames = grouped!.frames as Uint8Array[][];
    expect(viewerFrames).toHaveLength(10);
    viewerFrames.forEach((parts, frame) => {
      expect(Buffer.from(concatenateBytes(parts)).equals(Buffer.from(encapsulatedFrame(dataSet, frame, 10, '1.2.840.10008.1.2.4.90')))).toBe(true);
    });
  });
});
