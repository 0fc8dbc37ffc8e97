import type { ExecutionProviderName } from '../../../src-shared/contract/inference';
import type { ProviderFallback } from '../worker/session-cache';
import type { AskRequest, TokenEvent, VlmAnswer, VlmSessionOptions } from './vlm-session';

/** What crosses between the main thread and the VLM worker thread (structured-clone safe). */

export type WorkerAskRequest = Omit<AskRequest, 'signal' | 'onToken'>;

export type ToVlmWorker =
  | { type: 'open'; bundleDir: string; options: VlmSessionOptions }
  | { type: 'ask'; requestId: number; request: WorkerAskRequest }
  | { type: 'cancel'; requestId: number }
  | { type: 'close' };

export type FromVlmWorker =
  | { type: 'opened'; vocabSize: number; provider: ExecutionProviderName; fallbacks: ProviderFallback[] }
  | { type: 'token'; requestId: number; event: TokenEvent }
  | { type: 'answer'; requestId: number; answer: VlmAnswer }
  | { type: 'error'; requestId?: number; message: string }
  | { type: 'closed' };
