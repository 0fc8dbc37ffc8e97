import type { PrepareTask, PreparedFile } from './prepare-file';

/** What the pool hands each helper worker at start. */
export interface PrepareWorkerData {
  readonly cacheDir: string;
}

export interface PrepareRequest {
  readonly id: number;
  readonly task: PrepareTask;
}

export type PrepareWorkerMessage = { type: 'ready' } | { type: 'prepared'; id: number; result: PreparedFile };
