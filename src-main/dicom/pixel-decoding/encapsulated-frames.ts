import type { DataSet, Element } from 'dicom-parser';
import { PixelDecodeError } from './frame-layout';

type Fragment = NonNullable<Element['fragments']>[number];

function fragmentBytes(dataSet: DataSet, fragment: Fragment): Uint8Array {
  if (fragment.position + fragment.length > dataSet.byteArray.length) throw new PixelDecodeError('a pixel data fragment runs past the end of the file (truncated file?)');
  return dataSet.byteArray.subarray(fragment.position, fragment.position + fragment.length);
}

function concatenate(dataSet: DataSet, fragments: Fragment[]): Uint8Array {
  if (fragments.length === 1) return fragmentBytes(dataSet, fragments[0]!);
  const parts = fragments.map((fragment) => fragmentBytes(dataSet, fragment));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Extended Offset Table (7FE0,0001): 64-bit offsets, one fragment per frame (PS3.5 A.4). */
function extendedOffsets(dataSet: DataSet): number[] | null {
  const element = dataSet.elements.x7fe00001;
  if (!element || element.length < 8) return null;
  const view = new DataView(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + element.dataOffset, element.length);
  const offsets: number[] = [];
  for (let at = 0; at + 8 <= element.length; at += 8) offsets.push(Number(view.getBigUint64(at, true)));
  return offsets;
}

/** The first bytes that open a frame's codestream, used to find frames when no table says where they start. */
function startsFrame(bytes: Uint8Array, transferSyntaxUid: string): boolean {
  const isJ2k = /^1\.2\.840\.10008\.1\.2\.4\.(9\d|20\d)$/.test(transferSyntaxUid);
  // J2K codestream: SOC then SIZ (FF4F FF51); JPEG family: SOI (FFD8).
  return isJ2k ? bytes[0] === 0xff && bytes[1] === 0x4f && bytes[2] === 0xff && bytes[3] === 0x51 : bytes[0] === 0xff && bytes[1] === 0xd8;
}

/**
 * The compressed bytes of one frame: all fragments when there is one frame; otherwise the
 * Extended Offset Table, the Basic Offset Table, one fragment per frame, or (fragments
 * outnumber frames and no table) the fragments that open with a start marker.
 */
export function encapsulatedFrame(dataSet: DataSet, frame: number, frames: number, transferSyntaxUid: string): Uint8Array {
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData?.encapsulatedPixelData) throw new PixelDecodeError('the pixel data of a compressed transfer syntax is not encapsulated');
  const fragments = pixelData.fragments ?? [];
  if (fragments.length === 0) throw new PixelDecodeError('the encapsulated pixel data has no fragments');
  if (frames === 1) return concatenate(dataSet, fragments);

  const byOffset = (offsets: number[]): Uint8Array => {
    const first = fragments.findIndex((fragment) => fragment.offset === offsets[frame]);
    if (first < 0) throw new PixelDecodeError(`the offset table points frame ${frame + 1} at no fragment`);
    const next = frame + 1 < offsets.length ? fragments.findIndex((fragment) => fragment.offset === offsets[frame + 1]) : fragments.length;
    return concatenate(dataSet, fragments.slice(first, next < 0 ? fragments.length : next));
  };
  const extended = extendedOffsets(dataSet);
  if (extended && extended.length === frames) return byOffset(extended);
  const basic = pixelData.basicOffsetTable ?? [];
  if (basic.length === frames) return byOffset(basic);
  if (fragments.length === frames) return fragmentBytes(dataSet, fragments[frame]!);
  if (fragments.length < frames) throw new PixelDecodeError(`the pixel data has ${fragments.length} fragments for ${frames} frames`);

  const starts: number[] = [];
  fragments.forEach((fragment, index) => {
    if (startsFrame(fragmentBytes(dataSet, fragment), transferSyntaxUid)) starts.push(index);
  });
  if (starts.length !== frames) throw new PixelDecodeError(`no offset table, and ${starts.length} fragments open a frame where ${frames} frames are expected`);
  return concatenate(dataSet, fragments.slice(starts[frame], starts[frame + 1] ?? fragments.length));
}

