import type { RpcMethod } from '../../../platform/worker-rpc/protocol';
import type { PrepareTask, PreparedFile } from './prepare-file';

/** What the pool hands each helper worker at start. */
export interface PrepareWorkerData {
  readonly cacheDir: string;
}

/** A helper prepares one file per call; every file problem comes back as a 'failed' result, not an error. */
export interface PrepareMethods {
  prepare: RpcMethod<PrepareTask, PreparedFile>;
}
