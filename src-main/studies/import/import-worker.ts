import { parentPort, workerData } from 'node:worker_threads';
import type { StorageMode } from '../../../src-shared/domain/imports';
import { runImport } from './run-import';
import type { WorkerMessage } from './worker-messages';

/** What the service hands the worker; plain data, since it crosses a thread boundary. */
export interface ImportWorkerData {
  importId: string;
  cacheDir: string;
  paths: string[];
  mode: StorageMode;
}

const port = parentPort;
if (!port) throw new Error('import-worker must run as a worker thread');
const data = workerData as ImportWorkerData;
const cancellation = { cancelled: false };
port.on('message', (message: unknown) => {
  if (message === 'cancel') cancellation.cancelled = true;
});
const post = (message: WorkerMessage) => port.postMessage(message);

const finished = await runImport({
  ...data,
  cancellation,
  onProgress: (progress) => post({ type: 'progress', progress }),
  onStudiesChanged: (studyInstanceUids) => post({ type: 'studies-changed', studyInstanceUids }),
});
post({ type: 'finished', finished });
port.close();
