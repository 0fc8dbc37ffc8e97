import { useEffect, useState } from 'react';
import type { BundleSummary, RadstationApi } from '../../../src-shared/contract';

export interface InstalledModels {
  bundles: BundleSummary[] | undefined;
  providers: string[];
  /** Why the list could not be read, in words. */
  failure: string | undefined;
}

/** The installed model bundles, listed once when the viewer opens. */
export function useInstalledModels(api: RadstationApi): InstalledModels {
  const [models, setModels] = useState<InstalledModels>({ bundles: undefined, providers: [], failure: undefined });
  useEffect(() => {
    let alive = true;
    api.call('inference.listModels', {}).then(
      (value) => alive && setModels({ bundles: value.bundles, providers: value.providers, failure: undefined }),
      (error: unknown) => alive && setModels({ bundles: [], providers: [], failure: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      alive = false;
    };
  }, [api]);
  return models;
}
