import { workerData } from 'node:worker_threads';
import { serveWorkerRpc } from '../../../platform/worker-rpc/worker-side';
import { FilePreparer, type PreparedFile } from './prepare-file';
import type { PrepareMethods, PrepareWorkerData } from './prepare-messages';

const preparer = new FilePreparer((workerData as PrepareWorkerData).cacheDir);

serveWorkerRpc<PrepareMethods>({
  prepare: (task): PreparedFile => {
    try {
      return preparer.prepare(task);
    } catch (error) {
      // prepare() turns every file problem into a result; anything else must still answer this task.
      return { kind: 'failed', reason: `cannot be imported: ${error instanceof Error ? error.message : String(error)}` };
    }
  },
});
