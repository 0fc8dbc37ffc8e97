import fs from 'node:fs';
import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { heldPixelBytes, pixelBytesReleased, releasePixelBytes } from '../../src-renderer/viewer/loader/pixel-release';
import { runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';

/**
 * Issue 14: once decoded, a single-frame image's pixel bytes leave the parsed header (the image
 * cache holds its pixels); a multi-frame file keeps them for its other frames. Headers are
 * naturalized by dcmjs, as the DICOM image loader does; Pixel Data lengths come from pydicom.
 */
const ctSlice = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', '02.dcm');
const twoFrames = sharedDataPath('dicom', 'conformance', 'pydicom', 'SC_rgb_2frame.dcm');

/** The part of dcmjs this test reads with (the project's declaration types only what src-main uses). */
const dcmjsData = (dcmjs as unknown as {
  data: { DicomMessage: { readFile: (buffer: ArrayBuffer) => { dict: unknown } }; DicomMetaDictionary: { naturalizeDataset: (dict: unknown) => Record<string, unknown> } };
}).data;

function naturalized(file: string): Record<string, unknown> {
  const bytes = fs.readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return dcmjsData.DicomMetaDictionary.naturalizeDataset(dcmjsData.DicomMessage.readFile(buffer).dict);
}

function pixelDataLength(file: string): number {
  return runPydicom<number>('import json, sys, pydicom\nprint(json.dumps(len(pydicom.dcmread(sys.argv[1]).PixelData)))', [file]);
}

describe('releasing a decoded image pixel bytes', () => {
  it('drops a single-frame header pixel bytes and marks it for a fresh fetch', () => {
    const header = naturalized(ctSlice);
    expect(heldPixelBytes(header)).toBe(pixelDataLength(ctSlice));
    expect(pixelBytesReleased(header)).toBe(false);
    expect(releasePixelBytes(header)).toBe(true);
    expect(heldPixelBytes(header)).toBe(0);
    expect(pixelBytesReleased(header)).toBe(true);
    expect(header.Rows).toBe(512);
  });

  it('keeps a multi-frame header pixel bytes for its other frames', () => {
    const header = naturalized(twoFrames);
    const held = heldPixelBytes(header);
    expect(held).toBe(pixelDataLength(twoFrames));
    expect(releasePixelBytes(header)).toBe(false);
    expect(heldPixelBytes(header)).toBe(held);
    expect(pixelBytesReleased(header)).toBe(false);
  });
});
