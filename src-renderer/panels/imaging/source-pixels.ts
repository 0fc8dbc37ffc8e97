import { imageLoader } from '@cornerstonejs/core';
import type { FloatImage } from './bicubic';

/**
 * The active image's values in modality units (rescale applied), from the viewer's own
 * decoded image, so the "before" side shows exactly the pixels the model was given.
 */
export async function modalityPixels(imageId: string): Promise<FloatImage> {
  const image = await imageLoader.loadAndCacheImage(imageId);
  if (image.color || (image.numberOfComponents ?? 1) > 1) throw new Error('This is a colour image; the imaging panels work on greyscale slices.');
  const stored = image.getPixelData();
  const preScaled = image.preScale?.scaled ?? false;
  const slope = preScaled ? 1 : image.slope || 1;
  const intercept = preScaled ? 0 : image.intercept || 0;
  const pixels = new Float32Array(image.rows * image.columns);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (stored[i] ?? 0) * slope + intercept;
  return { width: image.columns, height: image.rows, pixels };
}
