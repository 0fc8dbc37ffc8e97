import zlib from 'node:zlib';
import type { DataSet } from 'dicom-parser';
import { ServiceError } from '../../src-shared/contract/errors';
import type { Segment, Segmentation, SegmentationFrame } from '../../src-shared/contract/viewer-segmentation';
import { packBits, unpackBits } from '../../src-shared/dicom/bits';
import { segmentationSopClass } from '../../src-shared/dicom/sop-classes';
import { dicomLabToRgb, paletteColour } from '../../src-shared/imaging/segment-colours';
import { decodeFrame, transferSyntaxName } from '../dicom/pixel-decoding/decode-frame';
import { encapsulatedFrame } from '../dicom/pixel-decoding/encapsulated-frames';
import type { FrameLayout } from '../dicom/pixel-decoding/frame-layout';
import { decodeRleFrame } from '../dicom/pixel-decoding/rle';
import { readDataSet } from '../dicom/read-dataset';
import { characterSetFor, specificCharacterSetOf } from '../dicom/charset';
import { TextReader } from './sr-content';

/** Masks are sent whole over the socket; beyond this the SEG is refused with the reason. */
const maxMaskBytes = 64 * 2 ** 20;
const deflatedImageFrames = '1.2.840.10008.1.2.8.1';
const rleLossless = '1.2.840.10008.1.2.5';
/** The layout an RLE 1-bit frame is decoded in: its packed bytes as one row of 8-bit samples. */
const packedRow: FrameLayout = { rows: 1, columns: 1, frames: 1, samplesPerPixel: 1, bitsAllocated: 8, bitsStored: 8, signed: false, photometricInterpretation: 'MONOCHROME2', planar: false };
/** Syntaxes whose Pixel Data holds the bits themselves, frame after frame, not always on a byte. */
const nativeSyntaxes = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);

function items(dataSet: DataSet | undefined, tag: string): DataSet[] {
  return (dataSet?.elements[tag]?.items ?? []).flatMap((item) => (item.dataSet ? [item.dataSet] : []));
}

function decimals(dataSet: DataSet | undefined, tag: string, count: number): number[] | null {
  if (!dataSet?.elements[tag]) return null;
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const value = dataSet.floatString(tag, i);
    if (value === undefined || !Number.isFinite(value)) return null;
    values.push(value);
  }
  return values;
}

/** A functional group's first item for one frame: its own, else the shared one (PS3.3 C.7.6.16). */
function functionalGroup(perFrame: DataSet | undefined, shared: DataSet | undefined, tag: string): DataSet | undefined {
  return items(perFrame, tag)[0] ?? items(shared, tag)[0];
}

function readSegments(reader: TextReader, dataSet: DataSet): Segment[] {
  return items(dataSet, 'x00620002').map((item, index) => {
    const number = item.uint16('x00620004') ?? index + 1;
    const lab = item.elements.x0062000d ? [0, 1, 2].map((i) => item.uint16('x0062000d', i) ?? 0) : undefined;
    const type = items(item, 'x0062000f')[0];
    return {
      number,
      label: reader.text(item, 'x00620005') || `Segment ${number}`,
      propertyType: type ? reader.text(type, 'x00080104') : '',
      algorithmType: reader.text(item, 'x00620008'),
      rgb: lab ? dicomLabToRgb(lab) : paletteColour(number),
      colourSource: lab ? 'recommended' : 'palette',
    };
  });
}

interface Layout {
  rows: number;
  columns: number;
  frames: number;
  bitsAllocated: number;
  syntax: string;
}

/** One frame's stored values, one byte a pixel (0/1 for BINARY). */
async function frameValues(dataSet: DataSet, layout: Layout, index: number): Promise<Uint8Array> {
  const count = layout.rows * layout.columns;
  if (layout.bitsAllocated === 1) {
    if (nativeSyntaxes.has(layout.syntax)) {
      const pixels = dataSet.elements.x7fe00010;
      if (!pixels || pixels.encapsulatedPixelData) throw new ServiceError('unavailable', 'This Segmentation has no native Pixel Data.');
      const end = Math.min(dataSet.byteArray.length, pixels.dataOffset + pixels.length);
      // Frame k starts at bit k × pixels per frame, on a byte or not.
      return unpackBits(dataSet.byteArray.subarray(pixels.dataOffset, end), count, index * count);
    }
    if (layout.syntax === deflatedImageFrames) {
      // Each deflated frame starts on a byte of its own; the pad byte after the stream is ignored.
      const inflated = zlib.inflateRawSync(encapsulatedFrame(dataSet, index, layout.frames, layout.syntax));
      return unpackBits(new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength), count);
    }
    if (layout.syntax === rleLossless) {
      // One PackBits segment holds the frame's packed bits, as if a single row of 8-bit pixels.
      const bytes = decodeRleFrame(encapsulatedFrame(dataSet, index, layout.frames, layout.syntax), { ...packedRow, columns: Math.ceil(count / 8), frames: layout.frames });
      return unpackBits(Uint8Array.from(bytes), count);
    }
    throw new ServiceError('unavailable', `This Segmentation's 1-bit frames are in ${transferSyntaxName(layout.syntax)}, which the overlay does not read yet.`);
  }
  if (layout.bitsAllocated !== 8) throw new ServiceError('unavailable', `This Segmentation has Bits Allocated ${layout.bitsAllocated}; a SEG has 1 or 8.`);
  const decoded = await decodeFrame(dataSet, index);
  return Uint8Array.from(decoded.samples);
}

/** The frame's set pixels cut to their box, encoded as the contract says; undefined when none is set. */
function cutToBox(values: Uint8Array, layout: Layout, binary: boolean): Pick<SegmentationFrame, 'box' | 'mask'> | undefined {
  let top = layout.rows;
  let bottom = -1;
  let left = layout.columns;
  let right = -1;
  for (let r = 0; r < layout.rows; r++) {
    const offset = r * layout.columns;
    for (let c = 0; c < layout.columns; c++) {
      if (values[offset + c] === 0) continue;
      if (r < top) top = r;
      bottom = r;
      if (c < left) left = c;
      if (c > right) right = c;
    }
  }
  if (bottom < 0) return undefined;
  const rows = bottom - top + 1;
  const columns = right - left + 1;
  const box = new Uint8Array(rows * columns);
  for (let r = 0; r < rows; r++) box.set(values.subarray((top + r) * layout.columns + left, (top + r) * layout.columns + right + 1), r * columns);
  const bytes = binary ? packBits(box) : box;
  return { box: { row: top, column: left, rows, columns }, mask: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
}

/**
 * Reads a DICOM Segmentation for the viewer's overlay (see viewer-segmentation.ts): segments and
 * colours, and for each frame with a set pixel its segment, the image it names (Derivation Image
 * Sequence → Source Image Sequence), its position, and its mask cut to the set pixels' box.
 */
export async function readSegmentation(filePath: string, sopInstanceUid: string): Promise<Segmentation> {
  const dataSet = readDataSet(filePath, sopInstanceUid);
  const reader = new TextReader(characterSetFor(specificCharacterSetOf(dataSet)));
  const sopClassUid = reader.text(dataSet, 'x00080016') || reader.text(dataSet, 'x00020002');
  if (sopClassUid !== segmentationSopClass) throw new ServiceError('invalid-request', `Instance ${sopInstanceUid} is not a Segmentation (its SOP Class is ${sopClassUid || 'missing'}).`);
  const type = reader.text(dataSet, 'x00620001').toUpperCase();
  if (type !== 'BINARY' && type !== 'FRACTIONAL') throw new ServiceError('unavailable', `This Segmentation's type is ${type || 'missing'}; the overlay shows BINARY and FRACTIONAL ones.`);
  const layout: Layout = {
    rows: dataSet.uint16('x00280010') ?? 0,
    columns: dataSet.uint16('x00280011') ?? 0,
    frames: Math.max(1, dataSet.intString('x00280008') ?? 1),
    bitsAllocated: dataSet.uint16('x00280100') ?? 0,
    syntax: (dataSet.string('x00020010') ?? '1.2.840.10008.1.2').trim(),
  };
  if (layout.rows === 0 || layout.columns === 0) throw new ServiceError('unavailable', 'This Segmentation has no Rows or Columns.');
  const segments = readSegments(reader, dataSet);
  const shared = items(dataSet, 'x52009229')[0];
  const perFrame = items(dataSet, 'x52009230');
  const firstFrame = perFrame[0];
  const measures = functionalGroup(firstFrame, shared, 'x00289110');
  const binary = type === 'BINARY';

  const frames: SegmentationFrame[] = [];
  let emptyFrames = 0;
  let maskBytes = 0;
  for (let index = 0; index < layout.frames; index++) {
    const groups = perFrame[index];
    const segmentNumber = functionalGroup(groups, shared, 'x0062000a')?.uint16('x0062000b') ?? (segments.length === 1 ? segments[0]!.number : 0);
    if (segmentNumber < 1) throw new ServiceError('unavailable', `Frame ${index + 1} of this Segmentation names no segment.`);
    const cut = cutToBox(await frameValues(dataSet, layout, index), layout, binary);
    if (!cut) {
      emptyFrames++;
      continue;
    }
    maskBytes += cut.mask.length;
    if (maskBytes > maxMaskBytes) throw new ServiceError('unavailable', `This Segmentation's masks come to more than the viewer draws (${maxMaskBytes / 2 ** 20} MB).`);
    const source = items(functionalGroup(groups, shared, 'x00089124'), 'x00082112')[0];
    const referencedFrame = source?.intString('x00081160');
    frames.push({
      frame: index,
      segmentNumber,
      referencedSopInstanceUid: (source && reader.text(source, 'x00081155')) || null,
      referencedFrameNumber: referencedFrame !== undefined && referencedFrame > 0 ? referencedFrame : null,
      imagePositionPatient: decimals(functionalGroup(groups, shared, 'x00209113'), 'x00200032', 3),
      ...cut,
    });
  }

  return {
    sopInstanceUid,
    seriesInstanceUid: reader.text(dataSet, 'x0020000e'),
    contentLabel: reader.text(dataSet, 'x00700080'),
    seriesDescription: reader.text(dataSet, 'x0008103e'),
    segmentationType: type,
    maximumFractionalValue: binary ? 1 : dataSet.uint16('x00620011') || 255,
    rows: layout.rows,
    columns: layout.columns,
    frameOfReferenceUid: reader.text(dataSet, 'x00200052'),
    referencedSeriesInstanceUids: items(dataSet, 'x00081115').map((item) => reader.text(item, 'x0020000e')).filter(Boolean),
    imageOrientationPatient: decimals(functionalGroup(firstFrame, shared, 'x00209116'), 'x00200037', 6),
    pixelSpacing: decimals(measures, 'x00280030', 2),
    sliceThickness: decimals(measures, 'x00180050', 1)?.[0] ?? null,
    segments,
    frames,
    emptyFrames,
  };
}
