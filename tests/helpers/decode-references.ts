import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { runPydicom } from './pydicom';
import { makeTempDir } from './temp-dir';

/**
 * Expected pixels for the decode tests, read by pydicom (independently of the viewer's loader)
 * and passed back base64-encoded.
 */
export interface ReferencePixels {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  /** Modality LUT: the test compares in modality units when the loader pre-scales. */
  rescaleSlope: number;
  rescaleIntercept: number;
  /** Frame after frame, samples interleaved (colour-by-pixel). */
  values: Int32Array;
}

const storedValuesScript = `
import base64, json, sys
import numpy as np, pydicom
ds = pydicom.dcmread(sys.argv[1])
frames = int(ds.get('NumberOfFrames') or 1)
arr = ds.pixel_array.astype('<i4')
# Enhanced multi-frame objects keep the rescale in the shared functional groups.
rescale = ds
for group in ds.get('SharedFunctionalGroupsSequence', [])[:1]:
    for item in group.get('PixelValueTransformationSequence', [])[:1]:
        rescale = item
print(json.dumps({'rows': ds.Rows, 'columns': ds.Columns, 'frames': frames, 'samplesPerPixel': ds.SamplesPerPixel,
                  'rescaleSlope': float(rescale.get('RescaleSlope', 1)), 'rescaleIntercept': float(rescale.get('RescaleIntercept', 0)),
                  'values': base64.b64encode(arr.tobytes()).decode()}))
`;

/**
 * Applies a palette colour image's lookup tables, segmented ones included, with pydicom's
 * apply_color_lut: 16-bit red, green and blue per pixel.
 */
const paletteColoursScript = `
import base64, json, sys
import numpy as np, pydicom
from pydicom.pixel_data_handlers.util import apply_color_lut
ds = pydicom.dcmread(sys.argv[1])
rgb = apply_color_lut(ds.pixel_array, ds).astype('<i4')
print(json.dumps({'rows': ds.Rows, 'columns': ds.Columns, 'frames': 1, 'samplesPerPixel': 3, 'rescaleSlope': 1, 'rescaleIntercept': 0,
                  'values': base64.b64encode(rgb.tobytes()).decode()}))
`;

function parse(raw: Omit<ReferencePixels, 'values'> & { values: string }): ReferencePixels {
  const bytes = Buffer.from(raw.values, 'base64');
  const values = new Int32Array(bytes.byteLength / 4);
  for (let i = 0; i < values.length; i++) values[i] = bytes.readInt32LE(i * 4);
  return { ...raw, values };
}

/** The stored values of an uncompressed file (or any file pydicom can decode here), as pydicom's pixel_array gives them. */
export function storedValuesWithPydicom(file: string): ReferencePixels {
  return parse(runPydicom(storedValuesScript, [file]));
}

/** A palette colour image's colours, 16 bits a sample, as pydicom's apply_color_lut gives them. */
export function paletteColoursWithPydicom(file: string): ReferencePixels {
  return parse(runPydicom(paletteColoursScript, [file]));
}

// pixel_array in the numpy dtype of argv[2], frames and samples interleaved as stored.
const pixelArrayScript = `
import base64, json, sys
import numpy as np, pydicom
ds = pydicom.dcmread(sys.argv[1])
arr = ds.pixel_array.astype(sys.argv[2])
print(json.dumps({'rows': ds.Rows, 'columns': ds.Columns, 'frames': int(ds.get('NumberOfFrames') or 1), 'samplesPerPixel': ds.SamplesPerPixel,
                  'values': base64.b64encode(arr.tobytes()).decode()}))
`;

interface PixelArray<Values> {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  values: Values;
}

function pixelArrayWithPydicom(file: string, dtype: '<f8' | '<u4'): PixelArray<ArrayBuffer> {
  const raw = runPydicom<PixelArray<string>>(pixelArrayScript, [file, dtype]);
  const bytes = Buffer.from(raw.values, 'base64');
  return { ...raw, values: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) };
}

/** A float image's values (Float or Double Float Pixel Data) as pydicom reads them, as doubles. */
export function floatValuesWithPydicom(file: string): PixelArray<Float64Array> {
  const read = pixelArrayWithPydicom(file, '<f8');
  return { ...read, values: new Float64Array(read.values) };
}

/** An unsigned image's stored values as pydicom reads them, up to 32 bits (which the Int32Array of ReferencePixels cannot hold). */
export function unsignedValuesWithPydicom(file: string): PixelArray<Uint32Array> {
  const read = pixelArrayWithPydicom(file, '<u4');
  return { ...read, values: new Uint32Array(read.values) };
}

/** DCMTK's decompressors: JPEG (IJG's libjpeg, 8 and 12-bit) and JPEG-LS. */
export type DcmtkDecompressor = 'dcmdjpeg' | 'dcmdjpls';

/** Why DCMTK's decompressors cannot be used here, or undefined when they can. */
export function dcmtkUnavailable(): string | undefined {
  for (const tool of ['dcmdjpeg', 'dcmdjpls'] satisfies DcmtkDecompressor[]) {
    if (spawnSync(tool, ['--version'], { encoding: 'utf8' }).status !== 0) return `DCMTK's ${tool} is not installed (apt-get install dcmtk)`;
  }
  return undefined;
}

/**
 * A compressed file's stored values as another decoder gives them: DCMTK decompresses it into a
 * temporary file, which pydicom then reads.
 */
export function storedValuesDecodedByDcmtk(file: string, tool: DcmtkDecompressor): ReferencePixels {
  const { dir, cleanup } = makeTempDir('radstation-dcmtk-');
  try {
    const out = path.join(dir, 'decoded.dcm');
    execFileSync(tool, [file, out], { stdio: ['ignore', 'ignore', 'pipe'] });
    return storedValuesWithPydicom(out);
  } finally {
    cleanup();
  }
}

/** Mean absolute difference between a decoded frame and one frame of the reference (rescaled when the loader pre-scales). */
export function meanAbsoluteError(decoded: { preScaled: boolean; samplesPerPixel: number; base64: string }, reference: ReferencePixels, frame: number): number {
  const bytes = Buffer.from(decoded.base64, 'base64');
  const pixels = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const samples = reference.samplesPerPixel;
  const size = reference.rows * reference.columns;
  let sum = 0;
  for (let p = 0; p < size; p++) {
    for (let s = 0; s < samples; s++) {
      const stored = reference.values[frame * size * samples + p * samples + s] ?? NaN;
      const expected = decoded.preScaled ? stored * reference.rescaleSlope + reference.rescaleIntercept : stored;
      sum += Math.abs((pixels[p * decoded.samplesPerPixel + s] ?? NaN) - expected);
    }
  }
  return sum / (size * samples);
}
