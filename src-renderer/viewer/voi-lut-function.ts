import { parseVoiLutFunction } from '../../src-shared/imaging/voi';
import { addMetadataModuleOverride } from './loader/metadata-module-override';

/**
 * The DICOM image loader's wadouri metadata gives VOI LUT Function (0028,1056) as a string, but
 * its createImage takes the first element of it as of an array: 'LINEAR_EXACT' becomes 'L',
 * Cornerstone3D then refuses that function and the image is shown with no window at all. This
 * provider, above the loader's, hands the value over as a one-element array of a function
 * Cornerstone knows (absent or unknown values are LINEAR, PS3.3 C.11.2.1.3).
 */
export function registerVoiLutFunctionProvider(): void {
  addMetadataModuleOverride(
    'voiLutModule',
    // Only files that state a function need the change; the rest keep the loader's module as it is.
    (natural) => natural['VOILUTFunction'] !== undefined,
    (_natural, base) => {
      const stated = base['voiLUTFunction'];
      return typeof stated === 'string' ? { ...base, voiLUTFunction: [parseVoiLutFunction(stated)] } : undefined;
    },
  );
}

/** VOI LUT Function from the voiLutModule as either form gives it. */
export function voiLutFunctionOf(module: { voiLUTFunction?: string | string[] } | undefined): ReturnType<typeof parseVoiLutFunction> {
  const value = module?.voiLUTFunction;
  return parseVoiLutFunction(Array.isArray(value) ? value[0] : value);
}
