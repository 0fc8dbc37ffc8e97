import { parentPort, type MessagePort, type Transferable } from 'node:worker_threads';
import { isToWorker, type EventOf, type FromWorker, type MethodName, type ParamsOf, type ResultOf, type RpcErrorPayload, type RpcMethodMap, type ToWorker } from './protocol';

/** What a handler gets besides its parameters. */
export interface RpcCallContext<Event> {
  /** Aborts when the caller cancels this call (or the server cancels everything). */
  readonly signal: AbortSignal;
  /** Streams an event to this call's caller; ignored once the call has answered. */
  emit(event: Event): void;
  /** Buffers in the result to move to the caller rather than copy. */
  transfer(list: readonly Transferable[]): void;
  /** Closes the worker's port once this call's reply is sent, so the thread can end by itself. */
  endWorkerAfterReply(): void;
}

export type RpcHandlers<M> = {
  [K in keyof M]: (params: ParamsOf<M, K>, call: RpcCallContext<EventOf<M, K>>) => ResultOf<M, K> | Promise<ResultOf<M, K>>;
};

export interface ServeOptions {
  /** Handle one call at a time, in arrival order (cancels still act at once). Default: each call as it comes. */
  sequential?: boolean;
}

export interface WorkerRpcServer {
  /** Aborts the signal of every call being handled or queued. */
  cancelAll(): void;
}

/** A thrown value as it crosses to the caller; a string `code` property (WorkerTaskError's, Node's) goes with it. */
function errorPayload(error: unknown): RpcErrorPayload {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return code === undefined ? { message } : { message, code };
}

/**
 * The worker's side: installs the handlers on the thread's port, answers each call under its ID,
 * turns a cancel into the abort of that call's signal, and then tells the caller it is ready.
 */
export function serveWorkerRpc<M extends RpcMethodMap<M>>(handlers: RpcHandlers<M>, options: ServeOptions = {}): WorkerRpcServer {
  if (!parentPort) throw new Error('serveWorkerRpc must run in a worker thread');
  const port: MessagePort = parentPort;
  const running = new Map<number, AbortController>();
  const post = (message: FromWorker, transfer?: readonly Transferable[]): void => port.postMessage(message, transfer);
  let queue: Promise<void> = Promise.resolve();

  async function handle<K extends MethodName<M>>(id: number, method: K, params: ParamsOf<M, K>, controller: AbortController): Promise<void> {
    let answered = false;
    let transfer: readonly Transferable[] = [];
    let endAfterReply = false;
    const context: RpcCallContext<EventOf<M, K>> = {
      signal: controller.signal,
      emit: (event) => {
        if (!answered) post({ rpc: 'event', id, event });
      },
      transfer: (list) => {
        transfer = list;
      },
      endWorkerAfterReply: () => {
        endAfterReply = true;
      },
    };
    let reply: FromWorker;
    try {
      const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
      if (typeof handler !== 'function') throw new Error(`the worker has no method "${method}"`);
      reply = { rpc: 'result', id, value: await handler(params, context) };
    } catch (error) {
      reply = { rpc: 'error', id, error: errorPayload(error) };
    } finally {
      answered = true;
      running.delete(id);
    }
    try {
      post(reply, reply.rpc === 'result' ? transfer : undefined);
    } catch (error) {
      // A reply that cannot be cloned must still answer, or the caller would wait for ever.
      post({ rpc: 'error', id, error: { message: `the worker could not send its reply: ${errorPayload(error).message}` } });
    }
    if (endAfterReply) port.close();
  }

  port.on('message', (message: unknown) => {
    if (!isToWorker(message)) return;
    const request: ToWorker = message;
    if (request.rpc === 'cancel') {
      running.get(request.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(request.id, controller);
    const method = request.method as MethodName<M>;
    const params = request.params as ParamsOf<M, typeof method>;
    if (options.sequential) queue = queue.then(() => handle(request.id, method, params, controller));
    else void handle(request.id, method, params, controller);
  });
  post({ rpc: 'ready' });

  return {
    cancelAll: () => {
      for (const controller of running.values()) controller.abort();
    },
  };
}
