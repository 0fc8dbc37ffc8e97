import { startModuleWorker } from '../platform/module-worker';
import { WorkerCallError, WorkerRpcClient, WorkerStoppedError } from '../platform/worker-rpc/client-side';
import type { MethodName, ParamsOf, ResultOf } from '../platform/worker-rpc/protocol';
import type { SessionCacheOptions } from './worker/session-cache';
import { workerErrorCodes, type InferenceMethods, type SliceRequest, type SliceResult, type VqaRequest, type VqaResult, type WarmUpRequest, type WarmUpResult, type WorkerErrorCode } from './worker/protocol';

export class InferenceWorkerError extends Error {
  constructor(
    readonly code: WorkerErrorCode | 'worker-stopped',
    message: string,
  ) {
    super(message);
    this.name = 'InferenceWorkerError';
  }
}

const isWorkerErrorCode = (code: string | undefined): code is WorkerErrorCode => workerErrorCodes.some((known) => known === code);

/** The worker's failures in this service's terms: its own codes kept, anything else internal, a stop 'worker-stopped'. */
function asInferenceError(error: unknown): Error {
  if (error instanceof WorkerStoppedError) return new InferenceWorkerError('worker-stopped', error.message);
  if (error instanceof WorkerCallError) return new InferenceWorkerError(isWorkerErrorCode(error.code) ? error.code : 'internal', error.message);
  return error instanceof Error ? error : new Error(String(error));
}

/** The main thread's handle on the inference worker: typed calls, restarted after a crash or a stop. */
export class InferenceWorkerClient {
  private rpc: WorkerRpcClient<InferenceMethods> | undefined;

  constructor(private readonly options: SessionCacheOptions) {}

  private start(): WorkerRpcClient<InferenceMethods> {
    const worker = startModuleWorker(
      { callerUrl: import.meta.url, sourcePath: 'worker/inference-worker.ts', builtFileName: 'inference-worker.js' },
      { workerData: this.options },
    );
    // Idle, the worker must not keep a CLI process alive.
    const rpc = new WorkerRpcClient<InferenceMethods>(worker, { name: 'inference worker', unrefWhenIdle: true });
    void rpc.whenExited.then(() => {
      if (this.rpc === rpc) this.rpc = undefined;
    });
    return rpc;
  }

  private send<K extends MethodName<InferenceMethods>>(method: K, params: ParamsOf<InferenceMethods, K>): Promise<ResultOf<InferenceMethods, K>> {
    if (!this.rpc || this.rpc.stopped) this.rpc = this.start();
    return this.rpc.call(method, params).catch((error: unknown) => {
      throw asInferenceError(error);
    });
  }

  runSlice(request: SliceRequest): Promise<SliceResult> {
    return this.send('slice', request);
  }

  answerQuestion(request: VqaRequest): Promise<VqaResult> {
    return this.send('vqa', request);
  }

  warmUp(request: WarmUpRequest): Promise<WarmUpResult> {
    return this.send('warm-up', request);
  }

  /** Releases every open session in the worker; resolves to how many were open. */
  releaseSessions(): Promise<number> {
    if (!this.rpc || this.rpc.stopped) return Promise.resolve(0);
    return this.send('release', {}).then((value) => value.released);
  }

  /**
   * Stops an idle worker after its sessions are released: onnxruntime's native sessions and thread
   * pools are then freed by their own code, not torn down under a terminated thread, which is where
   * native addons crash a process. A busy or unanswering worker is stopped at once. Resolves to the
   * sessions released.
   */
  async close(): Promise<number> {
    let released = 0;
    if (this.rpc && !this.rpc.stopped && this.rpc.pendingCount === 0) {
      const gracePeriod = new Promise<number>((resolve) => setTimeout(resolve, 5000, 0).unref());
      released = await Promise.race([this.releaseSessions().catch(() => 0), gracePeriod]);
    }
    await this.terminate();
    return released;
  }

  /** Stops the worker at once, even mid-inference (a timeout); the next request starts a fresh one. */
  async terminate(): Promise<void> {
    const rpc = this.rpc;
    this.rpc = undefined;
    await rpc?.terminate();
  }
}
