import type { DcmtkDecompressor } from './decode-references';

/**
 * The conformance files the decode tests name, each list with why its files are in it; what may
 * fail is listed here so that everything else must decode.
 */

export const deflatedImageFrames = '1.2.840.10008.1.2.8.1';
export const deflatedCt = 'CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm';
/** The ALOKA ultrasound: palette colour with Segmented Palette Color LUT Data, 16-bit entries; implicit little and big endian. */
export const segmentedPalettes = ['gdcm-US-ALOKA-16.dcm', 'gdcm-US-ALOKA-16_big.dcm'];
/** dicomparser's multi-frame files that DCMTK made with several fragments a frame and an empty Basic Offset Table. */
export const fragmentedLossless = [
  'CT0012.fragmented_no_bot_jpeg_lossless.57.dcm',
  'CT0012.fragmented_no_bot_jpeg_lossless.70.dcm',
  'CT0012.fragmented_no_bot_jpeg_ls.80.dcm',
];
/**
 * The lossy ones, against DCMTK decoding the same file (their originals are no reference: DCMTK
 * stored CT0012's 12-bit JPEG 1023 levels above the original values and kept its Rescale
 * Intercept, so the file itself says other Hounsfield units than the original).
 */
export const fragmentedLossy: Record<string, { tool: DcmtkDecompressor; maxMeanDifference: number; why: string }> = {
  'CT0012.fragmented_no_bot_jpeg_ls.81.dcm': { tool: 'dcmdjpls', maxMeanDifference: 0, why: 'JPEG-LS decoding is exact, lossy or not' },
  'CT0012.fragmented_no_bot_jpeg_baseline.51.dcm': {
    tool: 'dcmdjpeg',
    maxMeanDifference: 1,
    why:
      "12-bit lossy JPEG: Cornerstone's JavaScript decoder, with its level shift corrected at build time (scripts/vite/jpeg-level-shift.ts; " +
      'it read every sample 15 levels high), against IJG: the two IDCTs may differ by a level; a frame from the wrong fragments is 90 or more off',
  },
  'IM00001.fragmented_no_bot_jpeg_baseline.50.dcm': {
    tool: 'dcmdjpeg',
    maxMeanDifference: 1,
    why: '8-bit baseline JPEG: both decoders are libjpeg (measured identical here); IDCT variants may differ by a level',
  },
};
export const fragmentedWithoutOffsets = [...fragmentedLossless, ...Object.keys(fragmentedLossy)];

/**
 * Files that may fail to decode, each with why and the error it must fail with (fast: a hang
 * would show as "no decode within 30 s" and fail the test). Every other image file must decode.
 */
export const allowedFailures: Record<string, { reason: string; error: RegExp }> = {
  'no-pixel-data.dcm': { reason: 'broken on purpose: an image header with no Pixel Data', error: /no pixel data/i },
  'emri_small_jpeg_2k_lossless_too_short.dcm': { reason: 'broken on purpose: its JPEG 2000 codestream is cut short', error: /past end of input/ },
};

/** Every transfer syntax in the swept folders: each must be met, and decode at least one file. */
export const corpusSyntaxes = [
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2.1.99',
  '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.51',
  '1.2.840.10008.1.2.4.53',
  '1.2.840.10008.1.2.4.55',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.4.203',
  '1.2.840.10008.1.2.5',
  deflatedImageFrames,
];

/** Files the sweep cannot put in the cache (the import refuses them too), each with why. */
export const refusedBySeeding: Record<string, string> = {
  'JLSL_RGB_ILV0.dcm': 'no Part 10 preamble and DICM prefix',
  'JLSL_RGB_ILV1.dcm': 'no Part 10 preamble and DICM prefix',
  'JLSL_RGB_ILV2.dcm': 'no Part 10 preamble and DICM prefix',
  'JLSN_RGB_ILV0.dcm': 'no Part 10 preamble and DICM prefix',
  'OT-PAL-8-face.dcm': 'no Part 10 preamble and DICM prefix',
  'bad_sequence.dcm': 'broken on purpose (an invalid sequence), and its UIDs are hashes, not UIDs',
};

/** pydicom-data's 1-bit SEGs (3 frames) stored natively: little endian, big endian, deflated frames; 510×510 frames do not start on a byte. */
export const oneBitSegs = ['liver.dcm', 'liver_expb.dcm', 'liver_deflate.dcm', 'liver_nonbyte_aligned.dcm', 'liver_nonbyte_aligned_deflate.dcm'];
