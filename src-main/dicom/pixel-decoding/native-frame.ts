import type { DataSet } from 'dicom-parser';
import { PixelDecodeError, samplesPerFrame, type FrameLayout } from './frame-layout';

/**
 * Reads one frame of native (uncompressed) pixel data as unsigned values of Bits Allocated
 * width. Deflated files arrive here already inflated by dicom-parser, little endian.
 */
export function nativeFrame(dataSet: DataSet, layout: FrameLayout, frame: number, littleEndian: boolean): Uint8Array | Uint16Array | Uint32Array {
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData || pixelData.length === 0) throw new PixelDecodeError('the instance has no pixel data');
  if (pixelData.encapsulatedPixelData) throw new PixelDecodeError('the pixel data is encapsulated although the transfer syntax is uncompressed');
  const count = samplesPerFrame(layout);
  const bytesPerSample = layout.bitsAllocated / 8;
  const start = pixelData.dataOffset + frame * count * bytesPerSample;
  const end = start + count * bytesPerSample;
  if (end > Math.min(dataSet.byteArray.length, pixelData.dataOffset + pixelData.length)) {
    throw new PixelDecodeError('the pixel data is shorter than Rows × Columns × frames says (truncated file?)');
  }
  const view = new DataView(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + start, end - start);
  if (bytesPerSample === 1) return dataSet.byteArray.slice(start, end);
  if (bytesPerSample === 2) {
    const out = new Uint16Array(count);
    for (let i = 0; i < count; i += 1) out[i] = view.getUint16(i * 2, littleEndian);
    return out;
  }
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i += 1) out[i] = view.getUint32(i * 4, littleEndian);
  return out;
}
