import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../platform/module-worker';
import type { TokenEvent, VlmAnswer, VlmSessionOptions } from './vlm-session';
import type { ExecutionProviderName } from '../../../src-shared/contract/inference';
import type { ProviderFallback } from '../worker/session-cache';
import type { FromVlmWorker, ToVlmWorker, WorkerAskRequest } from './worker-protocol';

export interface PendingAnswer {
  requestId: number;
  /** Resolves with the final answer (stopReason 'cancelled' after cancel()). */
  answer: Promise<VlmAnswer>;
  cancel: () => void;
}

/** The main thread's handle on a VLM worker (vlm-worker.ts; vlm-worker.js in the built app). */
export class VlmWorkerClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (a: VlmAnswer) => void; reject: (e: Error) => void; onToken?: (e: TokenEvent) => void }>();
  private opened?: { resolve: () => void; reject: (e: Error) => void };
  private exited = false;
  /** The execution provider the worker's session runs on ('cpu' until it has opened), and the ones that failed first. */
  provider: ExecutionProviderName = 'cpu';
  fallbacks: ProviderFallback[] = [];

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromVlmWorker) => this.receive(message));
    worker.on('error', (error) => this.failAll(error));
    // A worker that dies (out of memory, say) must not leave answers waiting for ever.
    worker.once('exit', (code) => {
      this.exited = true;
      this.failAll(new Error(`the VLM worker stopped (exit code ${code})`));
    });
  }

  static async open(bundleDir: string, options: VlmSessionOptions = {}): Promise<VlmWorkerClient> {
    const worker = startModuleWorker({ callerUrl: import.meta.url, sourcePath: 'vlm-worker.ts', builtFileName: 'vlm-worker.js' }, {});
    const client = new VlmWorkerClient(worker);
    await new Promise<void>((resolve, reject) => {
      client.opened = { resolve, reject };
      client.post({ type: 'open', bundleDir, options });
    });
    return client;
  }

  ask(request: WorkerAskRequest, onToken?: (event: TokenEvent) => void): PendingAnswer {
    const requestId = this.nextId++;
    const answer = new Promise<VlmAnswer>((resolve, reject) => {
      this.waiting.set(requestId, { resolve, reject, ...(onToken ? { onToken } : {}) });
    });
    this.post({ type: 'ask', requestId, request });
    return { requestId, answer, cancel: () => this.post({ type: 'cancel', requestId }) };
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.post({ type: 'close' });
    await exited;
  }

  private post(message: ToVlmWorker): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromVlmWorker): void {
    switch (message.type) {
      case 'opened':
        this.provider = message.provider;
        this.fallbacks = message.fallbacks;
        this.opened?.resolve();
        return;
      case 'token':
        this.waiting.get(message.requestId)?.onToken?.(message.event);
        return;
      case 'answer':
        this.waiting.get(message.requestId)?.resolve(message.answer);
        this.waiting.delete(message.requestId);
        return;
      case 'error': {
        const error = new Error(message.message);
        if (message.requestId === undefined) {
          this.opened?.reject(error);
          return;
        }
        this.waiting.get(message.requestId)?.reject(error);
        this.waiting.delete(message.requestId);
        return;
      }
      case 'closed':
        return;
    }
  }

  private failAll(error: Error): void {
    this.opened?.reject(error);
    for (const pending of this.waiting.values()) pending.reject(error);
    this.waiting.clear();
  }
}
