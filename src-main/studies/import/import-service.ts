import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../platform/module-worker';
import type { ImportFinished, StorageMode } from '../../../src-shared/domain/imports';
import type { EventBus } from '../../events';
import type { ImportWorkerData } from './import-worker';
import type { WorkerMessage } from './worker-messages';

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

/** Runs each import in its own worker thread so the UI and other calls stay live, relaying its events. */
export function createImportService(cacheDir: string, events: EventBus): ImportService {
  const running = new Map<string, { worker: Worker; done: Promise<ImportFinished> }>();
  const outcomes = new Map<string, Promise<ImportFinished>>();

  return {
    start({ paths, mode }) {
      const importId = randomUUID();
      const data: ImportWorkerData = { importId, cacheDir, paths, mode };
      const worker = startModuleWorker({ callerUrl: import.meta.url, sourcePath: 'import-worker.ts', builtFileName: 'import-worker.js' }, { workerData: data });
      const done = new Promise<ImportFinished>((resolve) => {
        let finished: ImportFinished | undefined;
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'progress') events.emit('imports.progress', message.progress);
          else if (message.type === 'studies-changed') events.emit('studies.changed', { studyInstanceUids: message.studyInstanceUids });
          else finished = message.finished;
        });
        let crash: string | undefined;
        worker.on('error', (error) => {
          crash = error.message;
        });
        worker.on('exit', (code) => {
          running.delete(importId);
          const result: ImportFinished = finished ?? {
            importId,
            status: 'failed',
            report: emptyReport(),
            message: `The import stopped unexpectedly (${crash ?? `worker exit code ${code}`}); what it committed is kept.`,
          };
          events.emit('imports.finished', result);
          resolve(result);
        });
      });
      running.set(importId, { worker, done });
      outcomes.set(importId, done);
      return { importId };
    },
    cancel(importId) {
      const job = running.get(importId);
      if (!job) return { cancelled: false };
      job.worker.postMessage('cancel');
      return { cancelled: true };
    },
    whenFinished: (importId) => outcomes.get(importId),
    async close() {
      const jobs = [...running.values()];
      for (const job of jobs) job.worker.postMessage('cancel');
      await Promise.all(
        jobs.map((job) =>
          Promise.race([job.done, new Promise((resolve) => setTimeout(resolve, 5000))]).then(() => job.worker.terminate()),
        ),
      );
    },
  };
}
