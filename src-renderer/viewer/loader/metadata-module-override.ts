import { Enums, metaData } from '@cornerstonejs/core';

type Naturalized = Record<string, unknown>;
type MetadataModule = Record<string, unknown>;

/** Above the DICOM image loader's providers, so its modules are the ones changed. */
const providerPriority = 10_000;

/**
 * Registers a metadata provider that changes one module (`imagePixelModule`, `voiLutModule`…) the
 * loader builds from a file's header, for the images `adjust` answers for (it returns undefined for
 * the others, and the loader's module stands). `concerns` is the cheap test made first, so other
 * images never pay for asking. The provider asks the other providers for the loader's module, so
 * it must not answer its own question: the image IDs it is asking for are kept aside meanwhile.
 */
export function addMetadataModuleOverride(
  moduleType: string,
  concerns: (natural: Naturalized) => boolean,
  adjust: (natural: Naturalized, base: MetadataModule) => MetadataModule | undefined,
): void {
  const asking = new Set<string>();
  const provider = (type: string, query: unknown): unknown => {
    if (type !== moduleType || typeof query !== 'string' || asking.has(query)) return undefined;
    const natural = metaData.get(Enums.MetadataModules.NATURALIZED, query) as Naturalized | undefined;
    if (!natural || !concerns(natural)) return undefined;
    asking.add(query);
    let base: unknown;
    try {
      base = metaData.get(moduleType, query);
    } finally {
      asking.delete(query);
    }
    return base && typeof base === 'object' ? adjust(natural, base as MetadataModule) : undefined;
  };
  metaData.addProvider(provider, providerPriority);
}

/** The image pixel module's override, the common case. */
export function addPixelModuleOverride(
  concerns: (natural: Naturalized) => boolean,
  adjust: (natural: Naturalized, base: MetadataModule) => MetadataModule | undefined,
): void {
  addMetadataModuleOverride('imagePixelModule', concerns, adjust);
}
