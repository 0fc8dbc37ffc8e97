import type { DataSet } from 'dicom-parser';
import { encapsulatedFrame } from './encapsulated-frames';
import { frameLayout, PixelDecodeError, toStoredSamples, ybrFullToRgb, type DecodedFrame, type FrameLayout } from './frame-layout';
import { decodeJpegLosslessFrame } from './jpeg-lossless';
import { nativeFrame } from './native-frame';
import { decodeRleFrame } from './rle';
import { decodeWithWasm, type WasmCodecName } from './wasm-codecs';

export { PixelDecodeError, type DecodedFrame, type StoredSamples } from './frame-layout';

type Codec = { kind: 'native'; littleEndian: boolean } | { kind: 'rle' } | { kind: 'jpeg-lossless' } | { kind: 'wasm'; codec: WasmCodecName; convertsColour: boolean };

/** Every transfer syntax this module decodes, with its name for messages. */
const syntaxes: Record<string, { name: string; codec: Codec }> = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', codec: { kind: 'native', littleEndian: true } },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', codec: { kind: 'native', littleEndian: true } },
  '1.2.840.10008.1.2.1.99': { name: 'Deflated Explicit VR Little Endian', codec: { kind: 'native', littleEndian: true } },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian', codec: { kind: 'native', littleEndian: false } },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', codec: { kind: 'rle' } },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless', codec: { kind: 'jpeg-lossless' } },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless SV1', codec: { kind: 'jpeg-lossless' } },
  // libjpeg turns YCbCr into RGB itself, as JPEG-2000 codecs undo their component transform.
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline', codec: { kind: 'wasm', codec: 'jpeg-8bit', convertsColour: true } },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended', codec: { kind: 'wasm', codec: 'jpeg-8bit', convertsColour: true } },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', codec: { kind: 'wasm', codec: 'jpeg-ls', convertsColour: false } },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless', codec: { kind: 'wasm', codec: 'jpeg-ls', convertsColour: false } },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Lossless', codec: { kind: 'wasm', codec: 'jpeg-2000', convertsColour: true } },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', codec: { kind: 'wasm', codec: 'jpeg-2000', convertsColour: true } },
  '1.2.840.10008.1.2.4.201': { name: 'HTJ2K Lossless', codec: { kind: 'wasm', codec: 'htj2k', convertsColour: true } },
  '1.2.840.10008.1.2.4.202': { name: 'HTJ2K Lossless RPCL', codec: { kind: 'wasm', codec: 'htj2k', convertsColour: true } },
  '1.2.840.10008.1.2.4.203': { name: 'HTJ2K', codec: { kind: 'wasm', codec: 'htj2k', convertsColour: true } },
};

/** Names of syntaxes that are recognised but not decoded, so a refusal can say what the file is. */
const refusedNames: Record<string, string> = {
  '1.2.840.10008.1.2.4.53': 'JPEG Extended (process 6/8)',
  '1.2.840.10008.1.2.4.55': 'JPEG Full Progression (process 10/12)',
  '1.2.840.10008.1.2.4.100': 'MPEG2',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264',
  '1.2.840.10008.1.2.4.110': 'JPEG XL Lossless',
  '1.2.840.10008.1.2.4.112': 'JPEG XL',
  '1.2.840.10008.1.2.8.1': 'Deflated Image Frame Compression',
};

export function transferSyntaxName(uid: string): string {
  const name = syntaxes[uid]?.name ?? refusedNames[uid];
  return name ? `${name} (${uid})` : uid;
}

export function canDecodeTransferSyntax(uid: string): boolean {
  return uid in syntaxes;
}

function checkSize(layout: FrameLayout, width: number, height: number, components: number, codec: string): void {
  if (width !== layout.columns || height !== layout.rows || components !== layout.samplesPerPixel) {
    throw new PixelDecodeError(`the ${codec} stream is ${width}×${height}×${components}, but the header says ${layout.columns}×${layout.rows}×${layout.samplesPerPixel}`);
  }
}

/**
 * JPEG and JPEG 2000 streams both end with FFD9 (EOI, EOC). The JPEG lossless and HTJ2K
 * decoders quietly return a half-filled frame from a truncated stream, so for them a
 * missing end marker is refused. Odd-length streams carry one pad byte (00 or FF) after it.
 */
function requireEndMarker(encoded: Uint8Array, syntaxName: string): void {
  const endsAt = (end: number): boolean => end >= 2 && encoded[end - 2] === 0xff && encoded[end - 1] === 0xd9;
  if (!endsAt(encoded.length) && !endsAt(encoded.length - 1)) {
    throw new PixelDecodeError(`the ${syntaxName} frame does not end with its end marker (FFD9): the data is truncated or corrupt`);
  }
}

/**
 * Decodes frame `frameIndex` (0-based) of a parsed DICOM data set into its stored sample values,
 * whatever the transfer syntax among those listed above. Colour comes out as RGB, colour-by-pixel.
 * Anything it cannot decode, and any broken stream, throws a PixelDecodeError saying why.
 */
export async function decodeFrame(dataSet: DataSet, frameIndex: number): Promise<DecodedFrame> {
  const uid = (dataSet.string('x00020010') ?? '1.2.840.10008.1.2').trim();
  const syntax = syntaxes[uid];
  if (!syntax) throw new PixelDecodeError(`the transfer syntax ${transferSyntaxName(uid)} is not one this application decodes`);
  const layout = frameLayout(dataSet);
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= layout.frames) throw new PixelDecodeError(`frame ${frameIndex} does not exist (it has ${layout.frames})`);
  const colour = layout.samplesPerPixel === 3;
  const { codec } = syntax;
  const photometric = layout.photometricInterpretation;
  if (colour && !(codec.kind === 'wasm' && codec.convertsColour) && photometric !== 'RGB' && photometric !== 'YBR_FULL') {
    throw new PixelDecodeError(`${photometric} colour in ${syntax.name} is not supported`);
  }

  let raw: ArrayLike<number>;
  let planar = layout.planar;
  if (codec.kind === 'native') {
    raw = nativeFrame(dataSet, layout, frameIndex, codec.littleEndian);
  } else {
    const encoded = encapsulatedFrame(dataSet, frameIndex, layout.frames, uid);
    if (codec.kind === 'rle') {
      raw = decodeRleFrame(encoded, layout);
      planar = false;
    } else if (codec.kind === 'jpeg-lossless') {
      requireEndMarker(encoded, syntax.name);
      raw = decodeJpegLosslessFrame(encoded, layout.bitsAllocated);
      planar = false;
    } else {
      if (codec.codec === 'jpeg-8bit' && layout.bitsAllocated !== 8) throw new PixelDecodeError(`${layout.bitsStored}-bit ${syntax.name} is not supported (8-bit only)`);
      if (codec.codec === 'htj2k') requireEndMarker(encoded, syntax.name);
      const decoded = await decodeWithWasm(codec.codec, encoded);
      checkSize(layout, decoded.width, decoded.height, decoded.components, syntax.name);
      raw = decoded.values;
      planar = decoded.planar;
    }
  }
  const samples = toStoredSamples(layout, raw, planar);
  // YBR_FULL samples that no codec converted are turned into RGB here.
  const needsConversion = colour && photometric === 'YBR_FULL' && !(codec.kind === 'wasm' && codec.convertsColour);
  if (needsConversion) ybrFullToRgb(samples, 2 ** layout.bitsStored - 1);
  return {
    rows: layout.rows,
    columns: layout.columns,
    samplesPerPixel: layout.samplesPerPixel,
    bitsAllocated: layout.bitsAllocated,
    bitsStored: layout.bitsStored,
    signed: layout.signed,
    photometricInterpretation: colour ? 'RGB' : photometric,
    transferSyntaxUid: uid,
    samples,
  };
}
