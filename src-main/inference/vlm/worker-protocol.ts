import type { ExecutionProviderName } from '../../../src-shared/contract/inference';
import type { RpcMethod } from '../../platform/worker-rpc/protocol';
import type { ProviderFallback } from '../worker/session-cache';
import type { AskRequest, TokenEvent, VlmAnswer, VlmSessionOptions } from './vlm-session';

/** The VLM worker's methods (structured-clone safe). */

export type WorkerAskRequest = Omit<AskRequest, 'signal' | 'onToken'>;

export interface VlmOpened {
  vocabSize: number;
  provider: ExecutionProviderName;
  fallbacks: ProviderFallback[];
}

export interface VlmMethods {
  /** Opens the bundle's session (closing any open one). */
  open: RpcMethod<{ bundleDir: string; options: VlmSessionOptions }, VlmOpened>;
  /** Generates an answer, streaming each token; a cancel ends it with stopReason 'cancelled'. */
  ask: RpcMethod<WorkerAskRequest, VlmAnswer, TokenEvent>;
  /** Stops every answer, closes the session and ends the thread. */
  close: RpcMethod<Record<string, never>, null>;
}
