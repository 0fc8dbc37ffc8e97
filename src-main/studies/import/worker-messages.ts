import type { ImportFinished, ImportProgress, StorageMode } from '../../../src-shared/domain/imports';
import type { RpcMethod } from '../../platform/worker-rpc/protocol';

/** What the service hands the worker; plain data, since it crosses a thread boundary. */
export interface ImportWorkerData {
  importId: string;
  cacheDir: string;
  paths: string[];
  mode: StorageMode;
}

/** What the import worker streams to the service while it runs. */
export type ImportWorkerEvent = { type: 'progress'; progress: ImportProgress } | { type: 'studies-changed'; studyInstanceUids: string[] };

/** The import worker runs one import, then ends; a cancel stops it after committing what is done. */
export interface ImportMethods {
  import: RpcMethod<ImportWorkerData, ImportFinished, ImportWorkerEvent>;
}
