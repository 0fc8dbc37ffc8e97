import { Enums, metaData } from '@cornerstonejs/core';

type Naturalized = Record<string, unknown>;
type PixelModule = Record<string, unknown>;

const imagePixelModule = 'imagePixelModule';
/** Above the DICOM image loader's providers, so its image pixel module is the one changed. */
const providerPriority = 10_000;

/**
 * Registers a metadata provider that changes the image pixel module the loader builds from a
 * file's header, for the images `adjust` answers for (it returns undefined for the others, and
 * the loader's module stands). `concerns` is the cheap test made first, so other images never pay
 * for asking. The provider asks the other providers for the loader's module, so it must not
 * answer its own question: the image IDs it is asking for are kept aside meanwhile.
 */
export function addPixelModuleOverride(concerns: (natural: Naturalized) => boolean, adjust: (natural: Naturalized, base: PixelModule) => PixelModule | undefined): void {
  const asking = new Set<string>();
  const provider = (type: string, query: unknown): unknown => {
    if (type !== imagePixelModule || typeof query !== 'string' || asking.has(query)) return undefined;
    const natural = metaData.get(Enums.MetadataModules.NATURALIZED, query) as Naturalized | undefined;
    if (!natural || !concerns(natural)) return undefined;
    asking.add(query);
    let base: unknown;
    try {
      base = metaData.get(imagePixelModule, query);
    } finally {
      asking.delete(query);
    }
    return base && typeof base === 'object' ? adjust(natural, base as PixelModule) : undefined;
  };
  metaData.addProvider(provider, providerPriority);
}
