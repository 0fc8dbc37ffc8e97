import type { Writable } from 'node:stream';
import { dimse, type DimseDataset, type DimsePresentationContext, type DimseStoreRequest } from './dimse-library';
import { StagedInstanceWriter } from './staged-instance';

/** What became of one received C-STORE data set: a complete staging file, or why there is none. */
export type StagedResult = { path: string } | { error: string };

/** The two dcmjs-dimse hooks (on Scp, and on the Network a Client creates) that decide where a C-STORE data set goes. */
export interface StoreStreamHooks {
  createStoreWritableStream(context: DimsePresentationContext, request: DimseStoreRequest): Writable;
  createDatasetFromStoreWritableStream(writable: Writable, context: DimsePresentationContext, callback: (dataset: DimseDataset) => void): void;
}

const stagedByDataset = new WeakMap<DimseDataset, StagedResult>();

/** The staging file behind a data set handed to a cStoreRequest handler by these hooks. */
export function stagedResultOf(dataset: DimseDataset | undefined): StagedResult {
  return (dataset && stagedByDataset.get(dataset)) ?? { error: 'the data set was not staged' };
}

/**
 * Hooks that write each received data set to its own staging file as it arrives, and hand the
 * handler an empty placeholder data set whose staging result `stagedResultOf` looks up.
 */
export function stagingHooks(stagingDir: string, sourceAet: () => string | undefined): StoreStreamHooks {
  return {
    createStoreWritableStream(context, request) {
      return new StagedInstanceWriter(stagingDir, {
        sopClassUid: request.getAffectedSopClassUid(),
        sopInstanceUid: request.getAffectedSopInstanceUid(),
        transferSyntaxUid: context.getAcceptedTransferSyntaxUid() ?? '1.2.840.10008.1.2',
        sourceAet: sourceAet(),
      });
    },
    createDatasetFromStoreWritableStream(writable, _context, callback) {
      const placeholder = new dimse.Dataset({});
      const result: StagedResult = writable instanceof StagedInstanceWriter ? writable.complete() : { error: 'unexpected store stream' };
      stagedByDataset.set(placeholder, result);
      callback(placeholder);
    },
  };
}
