import { metaData } from '@cornerstonejs/core';
import { parseVoiLutFunction } from '../../src-shared/imaging/voi';

/**
 * The DICOM image loader's wadouri metadata gives VOI LUT Function (0028,1056) as a string, but
 * its createImage takes the first element of it as of an array: 'LINEAR_EXACT' becomes 'L',
 * Cornerstone3D then refuses that function and the image is shown with no window at all. This
 * provider, above the loader's, hands the value over as a one-element array of a function
 * Cornerstone knows (absent or unknown values are LINEAR, PS3.3 C.11.2.1.3).
 */
const voiLutModule = 'voiLutModule';
const providerPriority = 10_000;

export function registerVoiLutFunctionProvider(): void {
  const asking = new Set<string>();
  metaData.addProvider((type: string, query: unknown): unknown => {
    if (type !== voiLutModule || typeof query !== 'string' || asking.has(query)) return undefined;
    asking.add(query);
    let base: unknown;
    try {
      base = metaData.get(voiLutModule, query);
    } finally {
      asking.delete(query);
    }
    if (!base || typeof base !== 'object') return undefined;
    const stated = (base as { voiLUTFunction?: unknown }).voiLUTFunction;
    if (typeof stated !== 'string') return undefined;
    return { ...base, voiLUTFunction: [parseVoiLutFunction(stated)] };
  }, providerPriority);
}

/** VOI LUT Function from the voiLutModule as either form gives it. */
export function voiLutFunctionOf(module: { voiLUTFunction?: string | string[] } | undefined): ReturnType<typeof parseVoiLutFunction> {
  const value = module?.voiLUTFunction;
  return parseVoiLutFunction(Array.isArray(value) ? value[0] : value);
}
