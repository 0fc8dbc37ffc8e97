import { z } from 'zod';

/**
 * Errors cross the boundary as data, never as thrown exceptions: the renderer always
 * receives an envelope it can show in plain words.
 */
export const errorCodes = [
  'invalid-request',
  'unknown-call',
  /** The caller's role may not make this call (see each call's roles in the contract). */
  'forbidden',
  'not-found',
  'conflict',
  'cancelled',
  'timeout',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const contractErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  /** Which fields failed validation, for invalid-request. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ContractError = z.infer<typeof contractErrorSchema>;

export type Envelope<Value> = { ok: true; value: Value } | { ok: false; error: ContractError };

/** Thrown inside services to choose the error code the renderer sees. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** The renderer-side form: an envelope's error, re-thrown so `await api.call()` reads naturally. */
export class CallFailedError extends Error {
  constructor(
    readonly callName: string,
    readonly error: ContractError,
  ) {
    super(error.message);
    this.name = 'CallFailedError';
  }
}
