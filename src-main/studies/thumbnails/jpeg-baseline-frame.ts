import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import jpeg from 'jpeg-js';

export const jpegBaselineTransferSyntax = '1.2.840.10008.1.2.4.50';

export interface DecodedFrame {
  readonly width: number;
  readonly height: number;
  /** 1 (grey, when the header says one sample per pixel) or 3 (RGB: jpeg-js turns YCbCr into RGB, whatever Photometric Interpretation says). */
  readonly channels: 1 | 3;
  readonly pixels: Uint8Array;
}

/** A thumbnail decodes one frame of at most this many megapixels; larger frames are refused rather than allowed to exhaust memory. */
const maxMegapixels = 64;

/** The compressed bytes of one frame of encapsulated pixel data, with or without a Basic Offset Table. */
function frameBytes(dataSet: DataSet, pixelData: Element, frame: number, frames: number): Uint8Array {
  const fragments = pixelData.fragments ?? [];
  if (fragments.length === 0) throw new Error('the encapsulated pixel data has no fragments');
  if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, fragments.length);
  const offsets = pixelData.basicOffsetTable && pixelData.basicOffsetTable.length > 0 ? pixelData.basicOffsetTable : dicomParser.createJPEGBasicOffsetTable(dataSet, pixelData);
  return dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, frame, offsets);
}

/**
 * Decodes one frame of JPEG baseline (8-bit, process 1) pixel data with jpeg-js, which is
 * pure JavaScript: enough for a thumbnail without the viewer's codecs. Throws when the
 * stream cannot be decoded.
 */
export function decodeJpegBaselineFrame(dataSet: DataSet, frame: number, frames: number, samplesPerPixel: number): DecodedFrame {
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData?.encapsulatedPixelData) throw new Error('JPEG pixel data must be encapsulated');
  const decoded = jpeg.decode(frameBytes(dataSet, pixelData, frame, frames), { useTArray: true, formatAsRGBA: false, maxResolutionInMP: maxMegapixels });
  const samples = decoded.width * decoded.height;
  if (decoded.data.length !== samples * 3) throw new Error(`the decoder gave ${decoded.data.length / samples} values per pixel, not 3`);
  if (samplesPerPixel !== 1) return { width: decoded.width, height: decoded.height, channels: 3, pixels: decoded.data };
  // jpeg-js always answers in RGB; a one-component stream comes back with three equal channels.
  const grey = new Uint8Array(samples);
  for (let index = 0; index < samples; index += 1) grey[index] = decoded.data[index * 3]!;
  return { width: decoded.width, height: decoded.height, channels: 1, pixels: grey };
}
