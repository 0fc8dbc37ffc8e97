import { Enums, metaData, registerImageLoader, type Types } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { hasBigEndian32BitPixels, loadBigEndian32BitImage } from './big-endian-32-bit-pixels';
import { inflatedPart10 } from './deflated-dataset';
import { doubleFloatRefusal, hasDoubleFloatPixels, loadDoubleFloatImage, registerDoubleFloatProvider } from './double-float-pixels';
import { FragmentedFramesError, fragmentedFramesOf, registerFragmentedFramesProvider } from './fragmented-frames';
import { isBitPacked, loadBitPackedImage } from './one-bit-frames';
import { registerVoiLutFunctionProvider } from '../voi-lut-function';
import { hasOnlySegmentedPalette, registerSegmentedPaletteProvider, SegmentedLutError, segmentedPaletteOf } from './segmented-palette';

/*
 * The viewer's `wadouri:` loader: the DICOM image loader's, with the file's header read before
 * any decoding so that what the loader cannot decode is known in advance (a deflated data set is
 * inflated first, deflated-dataset.ts, as the loader's reader cannot). 1-bit frames go to
 * one-bit-frames.ts, Double Float Pixel Data to double-float-pixels.ts and 32-bit big endian
 * samples to big-endian-32-bit-pixels.ts; segmented palettes
 * and fragmented frames are mended by metadata providers (segmented-palette.ts,
 * fragmented-frames.ts); an image that would still fail inside the
 * loader, where some errors leave its promise pending for ever, is refused at once with the
 * reason.
 */

type Naturalized = Record<string, unknown>;

export class UndecodableImageError extends Error {}

/** The file's naturalized header, fetched and parsed the way the loader does it when it is not known yet. */
async function headerOf(imageId: string): Promise<Naturalized> {
  const known = metaData.get(Enums.MetadataModules.NATURALIZED, imageId) as Naturalized | undefined;
  if (known) return known;
  const { scheme, url } = dicomImageLoader.wadouri.parseImageId(imageId);
  const request = dicomImageLoader.wadouri.getLoaderForScheme(scheme);
  if (!request) throw new UndecodableImageError(`no loader for the ${scheme}: scheme`);
  const file = await request(url, imageId);
  // The key the loader files the parsed instance under: the image ID without its frame.
  await dicomImageLoader.prefetchPart10Instance(`${scheme}:${url}`, (await inflatedPart10(file)) ?? file);
  const natural = metaData.get(Enums.MetadataModules.NATURALIZED, imageId) as Naturalized | undefined;
  if (!natural) throw new UndecodableImageError(`${url} could not be read as a DICOM file`);
  return natural;
}

/** Why the loader cannot decode the image, or undefined when nothing is known against it. */
function refusalOf(natural: Naturalized): string | undefined {
  const photometric = typeof natural.PhotometricInterpretation === 'string' ? natural.PhotometricInterpretation.trim() : '';
  if (photometric === 'PALETTE COLOR') {
    if (hasOnlySegmentedPalette(natural)) {
      const palette = segmentedPaletteOf(natural);
      if (palette instanceof SegmentedLutError) return palette.message;
    } else if (natural.RedPaletteColorLookupTableData === undefined) {
      return 'a palette colour image without Palette Color Lookup Table Data';
    }
  }
  if (hasDoubleFloatPixels(natural)) return doubleFloatRefusal(natural);
  const fragmented = fragmentedFramesOf(natural);
  if (fragmented?.frames instanceof FragmentedFramesError) return fragmented.frames.message;
  return undefined;
}

async function loadImage(imageId: string, options: Record<string, unknown>): Promise<Types.IImage> {
  const natural = await headerOf(imageId);
  const refusal = refusalOf(natural);
  if (refusal) throw new UndecodableImageError(`cannot decode ${imageId}: ${refusal}`);
  if (isBitPacked(imageId)) return loadBitPackedImage(imageId, options);
  if (hasDoubleFloatPixels(natural)) return loadDoubleFloatImage(imageId, options);
  if (hasBigEndian32BitPixels(natural)) return loadBigEndian32BitImage(imageId, options);
  return (await dicomImageLoader.wadouri.loadImageFromNaturalizedMetadata(imageId, { ...options }).promise) as Types.IImage;
}

/** Replaces the DICOM image loader's `wadouri:` scheme with the viewer's; call after the loader's init. */
export function registerWadouriLoader(): void {
  registerSegmentedPaletteProvider();
  registerFragmentedFramesProvider();
  registerDoubleFloatProvider();
  registerVoiLutFunctionProvider();
  registerImageLoader('wadouri', (imageId, options) => ({ promise: loadImage(imageId, options ?? {}) }));
}
