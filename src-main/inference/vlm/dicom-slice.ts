import fs from 'node:fs';
import dicomParser from 'dicom-parser';
import { windowToGrey, type PixelImage } from './image-preprocess';

/**
 * One uncompressed greyscale DICOM frame as the viewer would show it: modality LUT (rescale slope and
 * intercept), then the VOI window, MONOCHROME1 inverted. For the `radstation ask` command and tests;
 * the workstation itself hands the runtime the pixels its viewer already rendered.
 */

const UNCOMPRESSED_LITTLE_ENDIAN = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);

export interface Window {
  center: number;
  width: number;
}

export function readDicomSlice(file: string, window?: Window, frame = 0): { image: PixelImage; window: Window } {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const ds = dicomParser.parseDicom(bytes);
  const syntax = ds.string('x00020010') ?? '1.2.840.10008.1.2';
  if (!UNCOMPRESSED_LITTLE_ENDIAN.has(syntax)) throw new Error(`${file}: transfer syntax ${syntax} is compressed or big-endian; only uncompressed little-endian files are read here`);
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const bits = ds.uint16('x00280100') ?? 16;
  const signed = ds.uint16('x00280103') === 1;
  if ((ds.uint16('x00280002') ?? 1) !== 1) throw new Error(`${file}: only greyscale (one sample per pixel) is read here`);
  const pixelData = ds.elements['x7fe00010'];
  if (!pixelData || rows === 0 || columns === 0) throw new Error(`${file}: no pixel data`);
  const count = rows * columns;
  const offset = pixelData.dataOffset + frame * count * (bits / 8);
  if (offset + count * (bits / 8) > bytes.length) throw new Error(`${file}: frame ${frame} is beyond the pixel data`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * (bits / 8));
  const slope = parseFloat(ds.string('x00281053') ?? '1') || 1;
  const intercept = parseFloat(ds.string('x00281052') ?? '0') || 0;
  const values = new Float32Array(count);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const stored = bits === 8 ? (signed ? view.getInt8(i) : view.getUint8(i)) : signed ? view.getInt16(i * 2, true) : view.getUint16(i * 2, true);
    const v = stored * slope + intercept;
    values[i] = v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const fileCenter = parseFloat(ds.string('x00281050', 0) ?? '');
  const fileWidth = parseFloat(ds.string('x00281051', 0) ?? '');
  const chosen = window ?? (Number.isFinite(fileCenter) && fileWidth > 0 ? { center: fileCenter, width: fileWidth } : { center: (min + max) / 2, width: Math.max(max - min, 1) });
  const grey = windowToGrey(values, chosen.center, chosen.width);
  if (ds.string('x00280004') === 'MONOCHROME1') for (let i = 0; i < grey.length; i++) grey[i] = 255 - (grey[i] ?? 0);
  return { image: { width: columns, height: rows, channels: 1, data: grey }, window: chosen };
}
