/**
 * The messages of the one request/response protocol between the main process and its worker
 * threads. A worker serves named methods; each method is typed by its parameters, its result and
 * the events it may stream to its caller before the result (tokens, progress).
 */

/** One method's types: what it takes, what it answers, what it streams meanwhile (never: nothing). */
export interface RpcMethod<Params, Result, Event = never> {
  params: Params;
  result: Result;
  event: Event;
}

/** A worker's methods by name. */
export type RpcMethodMap<M> = { [K in keyof M]: RpcMethod<unknown, unknown, unknown> };

export type MethodName<M> = keyof M & string;
export type ParamsOf<M, K extends keyof M> = M[K] extends RpcMethod<infer P, unknown, unknown> ? P : never;
export type ResultOf<M, K extends keyof M> = M[K] extends RpcMethod<unknown, infer R, unknown> ? R : never;
export type EventOf<M, K extends keyof M> = M[K] extends RpcMethod<unknown, unknown, infer E> ? E : never;

/** A failure as it crosses the thread boundary: the message, and the code the worker gave it, if any. */
export interface RpcErrorPayload {
  message: string;
  code?: string;
}

export type ToWorker = { rpc: 'call'; id: number; method: string; params: unknown } | { rpc: 'cancel'; id: number };

export type FromWorker =
  | { rpc: 'ready' }
  | { rpc: 'event'; id: number; event: unknown }
  | { rpc: 'result'; id: number; value: unknown }
  | { rpc: 'error'; id: number; error: RpcErrorPayload };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isToWorker(message: unknown): message is ToWorker {
  if (!isRecord(message) || typeof message.id !== 'number') return false;
  return (message.rpc === 'call' && typeof message.method === 'string') || message.rpc === 'cancel';
}

export function isFromWorker(message: unknown): message is FromWorker {
  if (!isRecord(message)) return false;
  if (message.rpc === 'ready') return true;
  return typeof message.id === 'number' && (message.rpc === 'event' || message.rpc === 'result' || (message.rpc === 'error' && isRecord(message.error)));
}
