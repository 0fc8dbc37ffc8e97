import { randomUUID } from 'node:crypto';
import { startModuleWorker } from '../../platform/module-worker';
import { WorkerRpcClient, WorkerStoppedError } from '../../platform/worker-rpc/client-side';
import type { ImportFinished, StorageMode } from '../../../src-shared/domain/imports';
import type { EventBus } from '../../events';
import type { ImportMethods } from './worker-messages';

export interface ImportService {
  start(request: { paths: string[]; mode: StorageMode }): { importId: string };
  cancel(importId: string): { cancelled: boolean };
  /** Resolves when the import ends (for tests and the CLI); undefined for unknown IDs. */
  whenFinished(importId: string): Promise<ImportFinished> | undefined;
  close(): Promise<void>;
}

function emptyReport(): ImportFinished['report'] {
  return { files: 0, instances: 0, studies: 0, series: 0, dicomdirs: 0, duplicates: 0, conflicts: [], failed: [], seconds: 0 };
}

/** Why an import's worker gave no report: its crash, its exit code, or the error it answered with. */
function whyStopped(error: unknown): string {
  if (error instanceof WorkerStoppedError) return error.crash ?? `worker exit code ${error.exitCode}`;
  return error instanceof Error ? error.message : String(error);
}

interface RunningImport {
  readonly worker: WorkerRpcClient<ImportMethods>;
  readonly cancel: AbortController;
  readonly done: Promise<ImportFinished>;
}

/** Runs each import in its own worker thread so the UI and other calls stay live, relaying its events. */
export function createImportService(cacheDir: string, events: EventBus): ImportService {
  const running = new Map<string, RunningImport>();
  const outcomes = new Map<string, Promise<ImportFinished>>();

  return {
    start({ paths, mode }) {
      const importId = randomUUID();
      const thread = startModuleWorker({ callerUrl: import.meta.url, sourcePath: 'import-worker.ts', builtFileName: 'import-worker.js' }, {});
      const worker = new WorkerRpcClient<ImportMethods>(thread, { name: 'import worker' });
      const cancel = new AbortController();
      const done = worker
        .call(
          'import',
          { importId, cacheDir, paths, mode },
          {
            signal: cancel.signal,
            onEvent: (event) => {
              if (event.type === 'progress') events.emit('imports.progress', event.progress);
              else events.emit('studies.changed', { studyInstanceUids: event.studyInstanceUids });
            },
          },
        )
        .catch(
          (error: unknown): ImportFinished => ({
            importId,
            status: 'failed',
            report: emptyReport(),
            message: `The import stopped unexpectedly (${whyStopped(error)}); what it committed is kept.`,
          }),
        )
        .then(async (result) => {
          // Finished means the thread is gone too, as it was before the report.
          await worker.whenExited;
          running.delete(importId);
          events.emit('imports.finished', result);
          return result;
        });
      running.set(importId, { worker, cancel, done });
      outcomes.set(importId, done);
      return { importId };
    },
    cancel(importId) {
      const job = running.get(importId);
      if (!job) return { cancelled: false };
      job.cancel.abort();
      return { cancelled: true };
    },
    whenFinished: (importId) => outcomes.get(importId),
    async close() {
      const jobs = [...running.values()];
      for (const job of jobs) job.cancel.abort();
      await Promise.all(
        jobs.map((job) =>
          Promise.race([job.done, new Promise((resolve) => setTimeout(resolve, 5000))]).then(() => job.worker.terminate()),
        ),
      );
    },
  };
}
