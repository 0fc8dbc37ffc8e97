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
  type Role,
} from '../src-shared/contract';

/** Per-call context a host passes to the services, for logging and cancellation. */
export interface CallContext {
  readonly host: 'electron' | 'web';
  /** A stable label for the connected renderer (window ID, socket number). */
  readonly client: string;
  /** Decided by the host adapter from how the client authenticated, never taken from the client. */
  readonly role: Role;
  /** A classroom participant's ID (students); absent for the owner. */
  readonly participantId?: string;
}

export type CallHandlers = {
  [Name in CallName]: (request: ParsedCallRequest<Name>, context: CallContext) => Promise<CallResponse<Name>> | CallResponse<Name>;
};

function issuesOf(error: z.ZodError): ContractError['issues'] {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(request)', message: issue.message }));
}

/**
 * Calls that name paths on the machine the services run on. The desktop app and the CLI
 * run on that machine for their user; a browser client of the web host does not, and
 * must neither choose nor learn the host's paths (it uploads files instead). The host
 * kind comes from the adapter in the main process, never from the client.
 */
const callsRefusedToWebClients: ReadonlySet<CallName> = new Set<CallName>(['imports.start']);

/**
 * Deepest reply the hosts send. The deepest legitimate one is a tag tree, three levels per
 * DICOM sequence, and DICOM in the wild nests far fewer than 32 sequences; much deeper
 * values overflow the stack of JSON.stringify (web host) or of structured clone (IPC).
 */
export const maxReplyDepth = 256;
/** Bounds the walk below, so a reply sharing objects many times over cannot stall it. */
const maxReplyNodes = 10_000_000;

/**
 * Why a reply could not cross to the renderer as JSON, or undefined when it can. Walks
 * the value without recursion, so the check itself cannot overflow the stack; a cycle
 * shows up as a depth beyond the bound.
 */
export function unsendableReason(value: unknown): string | undefined {
  const pending: Array<{ item: unknown; depth: number }> = [{ item: value, depth: 0 }];
  let visited = 0;
  while (pending.length > 0) {
    const { item, depth } = pending.pop()!;
    if (typeof item === 'bigint') return 'it holds a BigInt, which JSON cannot carry';
    if (item === null || typeof item !== 'object' || ArrayBuffer.isView(item) || item instanceof ArrayBuffer) continue;
    if (depth >= maxReplyDepth) return `it is nested more than ${maxReplyDepth} levels deep`;
    visited += 1;
    if (visited > maxReplyNodes) return `it holds more than ${maxReplyNodes} objects`;
    for (const child of Array.isArray(item) ? item : Object.values(item)) pending.push({ item: child, depth: depth + 1 });
  }
  return undefined;
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
  if (!calls[name].roles.includes(context.role)) {
    return { ok: false, error: { code: 'forbidden', message: `${name} is not allowed for the ${context.role} role.` } };
  }
  if (context.host === 'web' && callsRefusedToWebClients.has(name)) {
    return {
      ok: false,
      error: { code: 'unavailable', message: `${name} is not available to a browser: it cannot name paths on the host machine. Upload the files instead.` },
    };
  }
  try {
    // Inside the try: validating a pathological payload (nested beyond the stack) throws too.
    const parsed = calls[name].request.safeParse(payload ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'invalid-request', message: `The request for ${name} is not valid.`, issues: issuesOf(parsed.error) },
      };
    }
    const handler = handlers[name] as (request: unknown, context: CallContext) => Promise<unknown> | unknown;
    const value = await handler(parsed.data, context);
    const problem = unsendableReason(value);
    if (problem !== undefined) {
      log(`[radstation] ${name} replied with a value that cannot be sent: ${problem}`);
      return { ok: false, error: { code: 'internal', message: `The reply to ${name} could not be sent: ${problem}.` } };
    }
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
