import { parentPort, workerData } from 'node:worker_threads';
import { FilePreparer } from './prepare-file';
import type { PrepareRequest, PrepareWorkerData, PrepareWorkerMessage } from './prepare-messages';

const port = parentPort;
if (!port) throw new Error('prepare-worker must run as a worker thread');
const preparer = new FilePreparer((workerData as PrepareWorkerData).cacheDir);
const post = (message: PrepareWorkerMessage) => port.postMessage(message);

port.on('message', ({ id, task }: PrepareRequest) => {
  let result;
  try {
    result = preparer.prepare(task);
  } catch (error) {
    // prepare() turns every file problem into a result; anything else must still answer this task.
    result = { kind: 'failed', reason: `cannot be imported: ${error instanceof Error ? error.message : String(error)}` } as const;
  }
  post({ type: 'prepared', id, result });
});
post({ type: 'ready' });
