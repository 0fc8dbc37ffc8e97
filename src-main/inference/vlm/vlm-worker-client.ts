import { startModuleWorker } from '../../platform/module-worker';
import { WorkerRpcClient } from '../../platform/worker-rpc/client-side';
import type { TokenEvent, VlmAnswer, VlmSessionOptions } from './vlm-session';
import type { ExecutionProviderName } from '../../../src-shared/contract/inference';
import type { ProviderFallback } from '../worker/session-cache';
import type { VlmMethods, WorkerAskRequest } from './worker-protocol';

export interface PendingAnswer {
  requestId: number;
  /** Resolves with the final answer (stopReason 'cancelled' after cancel()). */
  answer: Promise<VlmAnswer>;
  cancel: () => void;
}

/** The main thread's handle on a VLM worker (vlm-worker.ts; vlm-worker.js in the built app). */
export class VlmWorkerClient {
  /** The execution provider the worker's session runs on ('cpu' until it has opened), and the ones that failed first. */
  provider: ExecutionProviderName = 'cpu';
  fallbacks: ProviderFallback[] = [];

  /** A worker that dies (out of memory, say) rejects its answers: "the VLM worker stopped (exit code …)". */
  private constructor(private readonly worker: WorkerRpcClient<VlmMethods>) {}

  static async open(bundleDir: string, options: VlmSessionOptions = {}): Promise<VlmWorkerClient> {
    const worker = startModuleWorker({ callerUrl: import.meta.url, sourcePath: 'vlm-worker.ts', builtFileName: 'vlm-worker.js' }, {});
    const client = new VlmWorkerClient(new WorkerRpcClient<VlmMethods>(worker, { name: 'VLM worker' }));
    try {
      const opened = await client.worker.call('open', { bundleDir, options });
      client.provider = opened.provider;
      client.fallbacks = opened.fallbacks;
    } catch (error) {
      // A worker whose bundle did not open serves nobody.
      await client.worker.terminate();
      throw error;
    }
    return client;
  }

  ask(request: WorkerAskRequest, onToken?: (event: TokenEvent) => void): PendingAnswer {
    const call = this.worker.start('ask', request, onToken ? { onEvent: onToken } : {});
    return { requestId: call.id, answer: call.result, cancel: call.cancel };
  }

  /** Closes the session in the worker, which then ends; a worker that cannot is stopped. */
  async close(): Promise<void> {
    if (this.worker.exited) return;
    try {
      await this.worker.call('close', {});
    } catch {
      await this.worker.terminate();
      return;
    }
    await this.worker.whenExited;
  }
}
