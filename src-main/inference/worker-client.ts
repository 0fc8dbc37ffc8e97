import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../platform/module-worker';
import type { SessionCacheOptions } from './worker/session-cache';
import type { SliceRequest, SliceResult, VqaRequest, VqaResult, WarmUpRequest, WarmUpResult, WorkerErrorCode, WorkerReply, WorkerRequest } from './worker/protocol';

export class InferenceWorkerError extends Error {
  constructor(
    readonly code: WorkerErrorCode | 'worker-stopped',
    message: string,
  ) {
    super(message);
    this.name = 'InferenceWorkerError';
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The main thread's handle on the inference worker: request/reply by ID, restarted after a crash or a stop. */
export class InferenceWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: SessionCacheOptions) {}

  private start(): Worker {
    const worker = startModuleWorker(
      { callerUrl: import.meta.url, sourcePath: 'worker/inference-worker.ts', builtFileName: 'inference-worker.js' },
      { workerData: this.options },
    );
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new InferenceWorkerError(reply.error.code, reply.error.message));
    });
    const failAll = (message: string): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.reject(new InferenceWorkerError('worker-stopped', message));
      }
    };
    worker.on('error', (error) => failAll(`the inference worker failed: ${error.message}`));
    worker.on('exit', (code) => failAll(`the inference worker stopped (exit code ${code})`));
    // Idle, the worker must not keep a CLI process alive.
    worker.unref();
    return worker;
  }

  private send<T>(request: WithoutId<WorkerRequest>): Promise<T> {
    this.worker ??= this.start();
    const id = this.nextId++;
    const worker = this.worker;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ ...request, id });
    }).finally(() => {
      if (this.pending.size === 0) worker.unref();
    });
  }

  runSlice(request: Omit<SliceRequest, 'id' | 'kind'>): Promise<SliceResult> {
    return this.send<SliceResult>({ kind: 'slice', ...request });
  }

  answerQuestion(request: Omit<VqaRequest, 'id' | 'kind'>): Promise<VqaResult> {
    return this.send<VqaResult>({ kind: 'vqa', ...request });
  }

  warmUp(request: Omit<WarmUpRequest, 'id' | 'kind'>): Promise<WarmUpResult> {
    return this.send<WarmUpResult>({ kind: 'warm-up', ...request });
  }

  /** Releases every open session in the worker; resolves to how many were open. */
  releaseSessions(): Promise<number> {
    if (!this.worker) return Promise.resolve(0);
    return this.send<{ released: number }>({ kind: 'release' }).then((value) => value.released);
  }

  /**
   * Stops an idle worker after its sessions are released: onnxruntime's native sessions and thread
   * pools are then freed by their own code, not torn down under a terminated thread, which is where
   * native addons crash a process. A busy or unanswering worker is stopped at once. Resolves to the
   * sessions released.
   */
  async close(): Promise<number> {
    let released = 0;
    if (this.worker && this.pending.size === 0) {
      const gracePeriod = new Promise<number>((resolve) => setTimeout(resolve, 5000, 0).unref());
      released = await Promise.race([this.releaseSessions().catch(() => 0), gracePeriod]);
    }
    await this.terminate();
    return released;
  }

  /** Stops the worker at once, even mid-inference (a timeout); the next request starts a fresh one. */
  async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}
