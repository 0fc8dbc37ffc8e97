import type { RpcMethod } from '../../../src-main/platform/worker-rpc/protocol';

/** What the worker-rpc test fixture serves; each method exercises one part of the protocol. */
export interface FixtureMethods {
  /** Answers after delayMs with the value it was given. */
  echo: RpcMethod<{ value: string; delayMs: number }, { value: string; threadSeen: number }>;
  /** Emits 0..count-1 as events, then returns count. */
  count: RpcMethod<{ count: number }, number, { index: number }>;
  /** Waits until it is cancelled, emitting 'waiting' once; then returns how it ended. */
  untilCancelled: RpcMethod<Record<string, never>, { ended: 'cancelled' }, 'waiting'>;
  /** Waits until it is cancelled, then throws a coded error. */
  throwWhenCancelled: RpcMethod<Record<string, never>, never, 'waiting'>;
  /** Throws an error with the given message and code. */
  fail: RpcMethod<{ message: string; code?: string }, never>;
  /** Ends the worker thread with this exit code from inside a call. */
  exit: RpcMethod<{ code: number }, never>;
  /** Throws outside any call (an uncaught exception in the thread). */
  throwUncaught: RpcMethod<{ message: string }, never>;
  /** Returns a value that cannot be cloned. */
  unclonable: RpcMethod<Record<string, never>, { fn: () => void }>;
  /** Returns bytes, transferring their buffer. */
  bytes: RpcMethod<{ length: number }, Uint8Array>;
  /** The byte length the worker still sees in the last buffer 'bytes' sent (0 once transferred away). */
  lastBytesLength: RpcMethod<Record<string, never>, number>;
  /** Answers, then ends the thread cleanly. */
  goodbye: RpcMethod<Record<string, never>, 'bye'>;
}

export interface FixtureData {
  /** Handle one call at a time, in arrival order. */
  sequential: boolean;
}
