import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../../platform/module-worker';
import { FilePreparer, type PrepareTask, type PreparedFile } from './prepare-file';
import type { PrepareRequest, PrepareWorkerData, PrepareWorkerMessage } from './prepare-messages';

interface QueuedTask {
  readonly id: number;
  readonly task: PrepareTask;
  readonly settle: (result: PreparedFile) => void;
}

interface Helper {
  readonly worker: Worker;
  ready: boolean;
  stopped: boolean;
  readonly inFlight: Map<number, QueuedTask>;
}

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
  private nextId = 0;
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
      this.queue.push({ id: this.nextId++, task, settle });
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
    await Promise.all(this.helpers.map((helper) => helper.worker.terminate()));
  }

  private startHelper(cacheDir: string): void {
    const data: PrepareWorkerData = { cacheDir };
    const worker = startModuleWorker({ callerUrl: import.meta.url, sourcePath: 'prepare-worker.ts', builtFileName: 'prepare-worker.js' }, { workerData: data });
    const helper: Helper = { worker, ready: false, stopped: false, inFlight: new Map() };
    this.helpers.push(helper);
    worker.on('message', (message: PrepareWorkerMessage) => {
      if (message.type === 'ready') helper.ready = true;
      else {
        helper.inFlight.get(message.id)?.settle(message.result);
        helper.inFlight.delete(message.id);
      }
      this.dispatch();
    });
    let reason: string | undefined;
    worker.on('error', (error) => {
      reason = error.message;
    });
    worker.on('exit', (code) => {
      helper.stopped = true;
      const why = reason ?? `exit code ${code}`;
      for (const queued of helper.inFlight.values()) queued.settle({ kind: 'failed', reason: `the import helper thread stopped while preparing this file (${why})` });
      helper.inFlight.clear();
    });
  }

  private dispatch(): void {
    for (const helper of this.helpers) {
      while (helper.ready && !helper.stopped && helper.inFlight.size < tasksPerHelper) {
        const queued = this.queue.shift();
        if (!queued) return;
        helper.inFlight.set(queued.id, queued);
        const request: PrepareRequest = { id: queued.id, task: queued.task };
        helper.worker.postMessage(request);
      }
    }
  }
}
