import { startModuleWorker } from '../../../platform/module-worker';
import { WorkerRpcClient, WorkerStoppedError } from '../../../platform/worker-rpc/client-side';
import { FilePreparer, type PrepareTask, type PreparedFile } from './prepare-file';
import type { PrepareMethods, PrepareWorkerData } from './prepare-messages';

interface QueuedTask {
  readonly task: PrepareTask;
  readonly settle: (result: PreparedFile) => void;
}

type Helper = WorkerRpcClient<PrepareMethods>;

const notPrepared: PreparedFile = { kind: 'failed', reason: 'not imported: the import stopped first' };

/** Tasks handed to one helper before it answers: enough that it never waits on the importing thread. */
const tasksPerHelper = 4;

/**
 * Shares the preparing of files (read, parse, checksum, copy) between the importing
 * thread and helper worker threads. Helpers take queued tasks as soon as they are up; the
 * importing thread prepares the oldest queued task itself whenever the result it needs
 * next is not there yet, so a helper still starting never holds the import up, and a
 * small import never waits for one. A helper that dies fails only the files it held.
 */
export class PrepareScheduler {
  private readonly local: FilePreparer;
  private readonly queue: QueuedTask[] = [];
  private readonly helpers: Helper[] = [];
  private onQueued: (() => void) | undefined;
  private stopped = false;

  constructor(cacheDir: string, helperCount: number) {
    this.local = new FilePreparer(cacheDir);
    for (let index = 0; index < helperCount; index += 1) this.startHelper(cacheDir);
  }

  submit(task: PrepareTask): Promise<PreparedFile> {
    return new Promise((settle) => {
      if (this.stopped) {
        settle(notPrepared);
        return;
      }
      this.queue.push({ task, settle });
      this.dispatch();
      if (this.queue.length > 0) this.onQueued?.();
    });
  }

  get helperCount(): number {
    return this.helpers.length;
  }

  /** Prepares the oldest queued task on this thread; false when nothing is queued. */
  prepareOneHere(): boolean {
    const queued = this.queue.shift();
    if (!queued) return false;
    queued.settle(this.local.prepare(queued.task));
    return true;
  }

  /** Resolves when a task is next queued with no helper to take it at once: the importing thread must then take it. */
  nextQueued(): Promise<void> {
    return new Promise((resolve) => {
      this.onQueued = () => {
        this.onQueued = undefined;
        resolve();
      };
    });
  }

  /**
   * For an import that stops early: tasks nobody has started are answered at once as not
   * prepared (they stored nothing), as is anything submitted later, so waiting on every
   * submitted task ends once the helpers finish the files they hold.
   */
  stop(): void {
    this.stopped = true;
    for (const queued of this.queue.splice(0)) queued.settle(notPrepared);
  }

  async close(): Promise<void> {
    await Promise.all(this.helpers.map((helper) => helper.terminate()));
  }

  private startHelper(cacheDir: string): void {
    const data: PrepareWorkerData = { cacheDir };
    const worker = startModuleWorker({ callerUrl: import.meta.url, sourcePath: 'prepare-worker.ts', builtFileName: 'prepare-worker.js' }, { workerData: data });
    const helper = new WorkerRpcClient<PrepareMethods>(worker, { name: 'import helper thread' });
    this.helpers.push(helper);
    // A helper stopped before it is up (a small import ends first) has nothing to dispatch; its files, if any, fail in dispatch.
    helper.ready.then(
      () => this.dispatch(),
      () => undefined,
    );
  }

  private dispatch(): void {
    for (const helper of this.helpers) {
      while (helper.isReady && !helper.stopped && helper.pendingCount < tasksPerHelper) {
        const queued = this.queue.shift();
        if (!queued) return;
        helper
          .call('prepare', queued.task)
          .catch((error: unknown): PreparedFile => {
            // A helper that dies fails only the files it held.
            if (error instanceof WorkerStoppedError) return { kind: 'failed', reason: `the import helper thread stopped while preparing this file (${error.why})` };
            return { kind: 'failed', reason: `cannot be imported: ${error instanceof Error ? error.message : String(error)}` };
          })
          .then((result) => {
            queued.settle(result);
            this.dispatch();
          });
      }
    }
  }
}
