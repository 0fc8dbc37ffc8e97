import { Enums, metaData, registerImageLoader, type Types } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { metaData as metadataStore } from '@cornerstonejs/metadata';
import { hasBigEndian32BitPixels, loadBigEndian32BitImage } from './big-endian-32-bit-pixels';
import { inflatedPart10 } from './deflated-dataset';
import { doubleFloatRefusal, hasDoubleFloatPixels, loadDoubleFloatImage, registerDoubleFloatProvider } from './double-float-pixels';
import { FragmentedFramesError, fragmentedFramesOf, registerFragmentedFramesProvider } from './fragmented-frames';
import { isBitPacked, loadBitPackedImage } from './one-bit-frames';
import { heldPixelBytes, pixelBytesReleased, releasePixelBytes } from './pixel-release';
import { registerVoiLutFunctionProvider } from '../voi-lut-function';
import { registerFileVoiLutProvider } from '../file-voi-lut';
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

function knownHeader(imageId: string): Naturalized | undefined {
  return metaData.get(Enums.MetadataModules.NATURALIZED, imageId) as Naturalized | undefined;
}

/**
 * The file's naturalized header, fetched and parsed the way the loader does it when it is not
 * known yet, or when its pixel bytes were released after an earlier decode (pixel-release.ts).
 */
async function headerOf(imageId: string): Promise<Naturalized> {
  const known = knownHeader(imageId);
  if (known && !pixelBytesReleased(known)) return known;
  const { scheme, url } = dicomImageLoader.wadouri.parseImageId(imageId);
  const request = dicomImageLoader.wadouri.getLoaderForScheme(scheme);
  if (!request) throw new UndecodableImageError(`no loader for the ${scheme}: scheme`);
  const file = await request(url, imageId);
  // The key the loader files the parsed instance under: the image ID without its frame.
  const baseImageId = `${scheme}:${url}`;
  // The store keeps the first header it was given: a released one is removed before the file is parsed again.
  if (known) metadataStore.clearQuery(Enums.MetadataModules.NATURALIZED, baseImageId);
  await dicomImageLoader.prefetchPart10Instance(baseImageId, (await inflatedPart10(file)) ?? file);
  const natural = knownHeader(imageId);
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
  return decodeAndRelease(imageId, natural, options);
}

/**
 * The loader's own decode, after which the header lets go of the file's pixel bytes. Two loads of
 * one image may overlap (the stack's and a volume's): when the other released the bytes first,
 * the file is fetched again.
 */
async function decodeAndRelease(imageId: string, natural: Naturalized, options: Record<string, unknown>): Promise<Types.IImage> {
  let header = natural;
  for (let tries = 0; pixelBytesReleased(header); tries++) {
    if (tries === 3) throw new UndecodableImageError(`${imageId}: its file was released while decoding, three times`);
    header = await headerOf(imageId);
  }
  const image = (await dicomImageLoader.wadouri.loadImageFromNaturalizedMetadata(imageId, { ...options }).promise) as Types.IImage;
  releasePixelBytes(header);
  return image;
}

/** The pixel bytes the parsed header of an image still holds (for the memory test). */
export function headerPixelBytes(imageId: string): number {
  return heldPixelBytes(knownHeader(imageId));
}

declare global {
  interface Window {
    /** What the end-to-end tests read of the loader's state. */
    radstationLoader?: { headerPixelBytes: (imageId: string) => number };
  }
}

/** Replaces the DICOM image loader's `wadouri:` scheme with the viewer's; call after the loader's init. */
export function registerWadouriLoader(): void {
  if (typeof window !== 'undefined') window.radstationLoader = { headerPixelBytes };
  registerSegmentedPaletteProvider();
  registerFragmentedFramesProvider();
  registerDoubleFloatProvider();
  registerVoiLutFunctionProvider();
  registerFileVoiLutProvider();
  registerImageLoader('wadouri', (imageId, options) => ({ promise: loadImage(imageId, options ?? {}) }));
}
