import type { DcmjsElementMap } from './dataset-access';
import { firstString } from './dataset-access';

const pixelDataTag = '7FE00010';
/** Modalities whose images usually carry text burned into the pixels (names, dates, IDs). */
const burningModalities = new Set(['US', 'SC', 'XA', 'DX', 'XC', 'ES', 'OT']);
const secondaryCapturePrefix = '1.2.840.10008.5.1.4.1.1.7';
const ultrasoundPrefixes = ['1.2.840.10008.5.1.4.1.1.6.', '1.2.840.10008.5.1.4.1.1.3.1'];
const encapsulatedDocumentPrefix = '1.2.840.10008.5.1.4.1.1.104.';

/** Why a file cannot be de-identified by attributes at all, whatever the user says. */
export function unprotectableReason(elements: DcmjsElementMap): string | undefined {
  const sopClass = firstString(elements, '00080016') ?? '';
  if (sopClass.startsWith(encapsulatedDocumentPrefix)) return 'an encapsulated document (PDF, CDA, STL…) carries identity in its content, which attributes cannot remove';
  return undefined;
}

/**
 * Why an image's pixels may carry identity as burned-in text, or undefined when nothing says so.
 * Burned In Annotation YES always counts; for modalities that usually burn text in, only an
 * explicit NO clears the image.
 */
export function burnedInReason(elements: DcmjsElementMap, hasPixels: boolean): string | undefined {
  if (!hasPixels && !elements[pixelDataTag]) return undefined;
  const annotation = firstString(elements, '00280301')?.toUpperCase();
  if (annotation === 'YES') return 'Burned In Annotation is YES: the pixels carry text';
  if (annotation === 'NO') return undefined;
  const modality = firstString(elements, '00080060')?.toUpperCase() ?? '';
  const sopClass = firstString(elements, '00080016') ?? '';
  const stated = annotation ? `is "${annotation}"` : 'is absent';
  if (sopClass.startsWith(secondaryCapturePrefix)) return `a secondary capture, which often has burned-in text, and Burned In Annotation ${stated}`;
  if (ultrasoundPrefixes.some((prefix) => sopClass.startsWith(prefix))) return `an ultrasound image, which often has burned-in text, and Burned In Annotation ${stated}`;
  if (burningModalities.has(modality)) return `modality ${modality} often has burned-in text, and Burned In Annotation ${stated}`;
  return undefined;
}
