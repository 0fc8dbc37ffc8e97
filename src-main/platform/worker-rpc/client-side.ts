import type { Transferable, Worker } from 'node:worker_threads';
import { isFromWorker, type EventOf, type FromWorker, type MethodName, type ParamsOf, type ResultOf, type RpcMethodMap, type ToWorker } from './protocol';

/** A call the worker answered with an error: its message and, when the worker gave one, its code. */
export class WorkerCallError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly method: string,
  ) {
    super(message);
    this.name = 'WorkerCallError';
  }
}

/** The worker stopped (exited, crashed, was terminated) before it answered. */
export class WorkerStoppedError extends Error {
  constructor(
    readonly workerName: string,
    /** The thread's exit code; null when the crash is known but the exit not yet seen. */
    readonly exitCode: number | null,
    /** The message of the uncaught error that stopped the thread, if one did. */
    readonly crash: string | undefined,
  ) {
    super(crash !== undefined ? `the ${workerName} failed: ${crash}` : `the ${workerName} stopped (exit code ${exitCode})`);
    this.name = 'WorkerStoppedError';
  }

  /** Why it stopped, in a few words: the crash's message or the exit code. */
  get why(): string {
    return this.crash ?? `exit code ${this.exitCode}`;
  }
}

export interface CallOptions<Event> {
  /** Aborting it sends the worker a cancel for this call; the call then settles as the worker answers. */
  signal?: AbortSignal;
  /** Receives the events the worker streams for this call, in order, before the result. */
  onEvent?: (event: Event) => void;
  /** Buffers in the parameters to move to the worker rather than copy. */
  transfer?: readonly Transferable[];
}

/** A call under way. */
export interface RpcCall<Result> {
  readonly id: number;
  readonly result: Promise<Result>;
  /** Tells the worker to stop this call (its handler's signal aborts); a no-op once it has settled. */
  cancel(): void;
}

export interface WorkerRpcOptions {
  /** Names the worker in errors: "the <name> stopped (exit code 1)". */
  name: string;
  /** An idle worker does not keep the process alive (a CLI can exit); it does while calls are pending. */
  unrefWhenIdle?: boolean;
}

interface Pending {
  readonly method: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onEvent: ((event: unknown) => void) | undefined;
  cancelled: boolean;
}

/**
 * The caller's side of a worker's methods: request IDs, typed calls, cancellation, streamed
 * events, and, when the worker stops for any reason, the rejection of every call still pending.
 */
export class WorkerRpcClient<M extends RpcMethodMap<M>> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private crash: string | undefined;
  private stoppedError: WorkerStoppedError | undefined;
  private markReady!: () => void;
  private failReady!: (error: Error) => void;
  /** Resolves once the worker's handlers are installed; rejects if it stops first. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code once the thread has ended. */
  readonly whenExited: Promise<number>;
  isReady = false;
  exited = false;

  constructor(
    private readonly worker: Worker,
    private readonly options: WorkerRpcOptions,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    // Nobody need wait for readiness; a worker that dies first is reported through its calls.
    this.ready.catch(() => undefined);
    this.whenExited = new Promise<number>((resolve) => worker.once('exit', resolve));
    worker.on('message', (message: unknown) => {
      if (isFromWorker(message)) this.receive(message);
    });
    worker.on('error', (error: Error) => {
      this.crash = error.message;
      this.stop(new WorkerStoppedError(options.name, null, this.crash));
    });
    worker.on('exit', (code: number) => this.onExit(code));
    if (options.unrefWhenIdle) worker.unref();
  }

  /** Calls still waiting for their answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Set once the worker has stopped: why, in the words its calls were rejected with. */
  get stopped(): WorkerStoppedError | undefined {
    return this.stoppedError;
  }

  call<K extends MethodName<M>>(method: K, params: ParamsOf<M, K>, options: CallOptions<EventOf<M, K>> = {}): Promise<ResultOf<M, K>> {
    return this.start(method, params, options).result;
  }

  start<K extends MethodName<M>>(method: K, params: ParamsOf<M, K>, options: CallOptions<EventOf<M, K>> = {}): RpcCall<ResultOf<M, K>> {
    const id = this.nextId++;
    const cancel = (): void => {
      const pending = this.pending.get(id);
      if (!pending || pending.cancelled) return;
      pending.cancelled = true;
      this.post({ rpc: 'cancel', id });
    };
    if (this.stoppedError) return { id, result: Promise.reject(this.stoppedError), cancel };
    const { signal, onEvent } = options;
    const result = new Promise<ResultOf<M, K>>((resolve, reject) => {
      this.pending.set(id, {
        method,
        resolve: resolve as (value: unknown) => void,
        reject,
        onEvent: onEvent as ((event: unknown) => void) | undefined,
        cancelled: false,
      });
    });
    if (this.options.unrefWhenIdle) this.worker.ref();
    this.post({ rpc: 'call', id, method, params }, options.transfer);
    if (signal) {
      if (signal.aborted) cancel();
      else {
        signal.addEventListener('abort', cancel, { once: true });
        const forget = (): void => signal.removeEventListener('abort', cancel);
        result.then(forget, forget);
      }
    }
    return { id, result, cancel };
  }

  /** Stops the thread at once, even mid-call; pending calls are rejected as stopped. */
  async terminate(): Promise<void> {
    if (this.exited) return;
    this.onExit(await this.worker.terminate());
  }

  private post(message: ToWorker, transfer?: readonly Transferable[]): void {
    if (this.exited) return;
    this.worker.postMessage(message, transfer);
  }

  private receive(message: FromWorker): void {
    if (message.rpc === 'ready') {
      this.isReady = true;
      this.markReady();
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.rpc === 'event') {
      pending.onEvent?.(message.event);
      return;
    }
    this.settle(message.id);
    if (message.rpc === 'result') pending.resolve(message.value);
    else pending.reject(new WorkerCallError(message.error.message, message.error.code, pending.method));
  }

  private settle(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0 && this.options.unrefWhenIdle && !this.exited) this.worker.unref();
  }

  private onExit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.stop(new WorkerStoppedError(this.options.name, code, this.crash));
  }

  private stop(error: WorkerStoppedError): void {
    this.stoppedError = error;
    this.failReady(error);
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(error);
    }
  }
}
