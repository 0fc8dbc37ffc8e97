import { serveWorkerRpc } from '../../platform/worker-rpc/worker-side';
import { runImport } from './run-import';
import type { ImportMethods } from './worker-messages';

/** The import worker thread: one import per thread, which ends once the import has answered. */
serveWorkerRpc<ImportMethods>({
  import: (data, call) => {
    call.endWorkerAfterReply();
    const cancellation = { cancelled: call.signal.aborted };
    call.signal.addEventListener('abort', () => {
      cancellation.cancelled = true;
    });
    return runImport({
      ...data,
      cancellation,
      onProgress: (progress) => call.emit({ type: 'progress', progress }),
      onStudiesChanged: (studyInstanceUids) => call.emit({ type: 'studies-changed', studyInstanceUids }),
    });
  },
});
