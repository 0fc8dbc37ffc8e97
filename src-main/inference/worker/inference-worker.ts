import path from 'node:path';
import { workerData } from 'node:worker_threads';
import { serveWorkerRpc } from '../../platform/worker-rpc/worker-side';
import type { InferenceMethods } from './protocol';
import { SessionCache, type SessionCacheOptions } from './session-cache';
import { runSlice } from './slice-runner';
import { runVqa } from '../vqa/vqa-runner';

/**
 * The inference worker: everything heavy (DICOM decoding, onnxruntime, DICOM writing)
 * runs here so the main thread keeps answering IPC and the UI. Requests are handled one
 * at a time, in order; a series job sends one request per slice, so previews and other
 * jobs interleave between slices. A failure's WorkerTaskError code goes back with its message.
 */
const sessions = new SessionCache(workerData as SessionCacheOptions);

serveWorkerRpc<InferenceMethods>(
  {
    slice: async (request, call) => {
      const result = await runSlice(request, sessions);
      if (result.pixels) call.transfer([result.pixels.buffer as ArrayBuffer]);
      return result;
    },
    'warm-up': async (request) => {
      const { provider, fallbacks } = await sessions.acquire(path.join(request.bundle.dir, request.task.graphs[0]!), request.provider);
      return { provider, fallbacks };
    },
    vqa: (request) => runVqa(request, sessions),
    release: async () => ({ released: await sessions.releaseAll() }),
  },
  { sequential: true },
);
