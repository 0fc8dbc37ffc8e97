import type { DataSet, Element } from 'dicom-parser';
import { concatenateBytes, EncapsulatedFramesError, frameFragmentRanges, type EncapsulatedFragments } from '../../../src-shared/dicom/encapsulated-frames';
import { PixelDecodeError } from './frame-layout';

type Fragment = NonNullable<Element['fragments']>[number];

function fragmentBytes(dataSet: DataSet, fragment: Fragment): Uint8Array {
  if (fragment.position + fragment.length > dataSet.byteArray.length) throw new PixelDecodeError('a pixel data fragment runs past the end of the file (truncated file?)');
  return dataSet.byteArray.subarray(fragment.position, fragment.position + fragment.length);
}

/** Extended Offset Table (7FE0,0001): 64-bit offsets, one fragment per frame (PS3.5 A.4). */
function extendedOffsets(dataSet: DataSet): number[] | undefined {
  const element = dataSet.elements.x7fe00001;
  if (!element || element.length < 8) return undefined;
  const view = new DataView(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + element.dataOffset, element.length);
  const offsets: number[] = [];
  for (let at = 0; at + 8 <= element.length; at += 8) offsets.push(Number(view.getBigUint64(at, true)));
  return offsets;
}

/**
 * The compressed bytes of one frame, the fragments found by the shared rule
 * (src-shared/dicom/encapsulated-frames.ts) from dicom-parser's fragment list and offset tables.
 */
export function encapsulatedFrame(dataSet: DataSet, frame: number, frames: number, transferSyntaxUid: string): Uint8Array {
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData?.encapsulatedPixelData) throw new PixelDecodeError('the pixel data of a compressed transfer syntax is not encapsulated');
  const list = pixelData.fragments ?? [];
  const fragments: EncapsulatedFragments = {
    count: list.length,
    bytes: (index) => fragmentBytes(dataSet, list[index]!),
    offsets: list.map((fragment) => fragment.offset),
    basicOffsetTable: pixelData.basicOffsetTable ?? [],
    extendedOffsetTable: extendedOffsets(dataSet),
  };
  try {
    const range = frameFragmentRanges(fragments, frames, transferSyntaxUid)[frame];
    if (!range) throw new PixelDecodeError(`frame ${frame + 1} is past the image's ${frames} frames`);
    return concatenateBytes(list.slice(range.first, range.end).map((fragment) => fragmentBytes(dataSet, fragment)));
  } catch (error) {
    throw error instanceof EncapsulatedFramesError ? new PixelDecodeError(error.message) : error;
  }
}
