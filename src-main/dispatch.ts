import { z } from 'zod';
import {
  calls,
  isCallName,
  ServiceError,
  type CallName,
  type CallResponse,
  type ContractError,
  type Envelope,
  type ParsedCallRequest,
} from '../src-shared/contract';

/** Per-call context a host passes to the services, for logging and cancellation. */
export interface CallContext {
  readonly host: 'electron' | 'web';
  /** A stable label for the connected renderer (window ID, socket number). */
  readonly client: string;
}

export type CallHandlers = {
  [Name in CallName]: (request: ParsedCallRequest<Name>, context: CallContext) => Promise<CallResponse<Name>> | CallResponse<Name>;
};

function issuesOf(error: z.ZodError): ContractError['issues'] {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(request)', message: issue.message }));
}

/**
 * The single entry point both hosts use: look the call up, validate its payload, run
 * the handler and turn any failure into an error envelope. Nothing thrown in a
 * service ever crosses to the renderer as an exception.
 */
export async function dispatch(
  handlers: CallHandlers,
  name: string,
  payload: unknown,
  context: CallContext,
  log: (message: string) => void = (message) => console.error(message),
): Promise<Envelope<unknown>> {
  if (!isCallName(name)) {
    return { ok: false, error: { code: 'unknown-call', message: `There is no call named "${name}".` } };
  }
  const parsed = calls[name].request.safeParse(payload ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'invalid-request', message: `The request for ${name} is not valid.`, issues: issuesOf(parsed.error) },
    };
  }
  try {
    const handler = handlers[name] as (request: unknown, context: CallContext) => Promise<unknown> | unknown;
    const value = await handler(parsed.data, context);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ServiceError) {
      return { ok: false, error: { code: error.code, message: error.message } };
    }
    // An unexpected failure: log the detail here, give the renderer a plain sentence.
    log(`[radstation] ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'internal', message: `${name} failed: ${message}` } };
  }
}
