import type { WebSocket } from 'ws';
import { clientMessageSchema, type ServerMessage } from '../../src-shared/contract';
import { dispatch, type CallContext, type CallHandlers } from '../dispatch';

/**
 * The text of a result message, whatever the result holds. The dispatcher already turns
 * replies it can tell are unsendable into error envelopes; this is the last guard, so a
 * reply JSON.stringify still chokes on (a cycle, a throwing toJSON) becomes an error
 * envelope for the client instead of an exception in a socket callback.
 */
export function resultMessageText(id: number, result: unknown, callName: string, log: (message: string) => void): string {
  try {
    return JSON.stringify({ type: 'result', id, result } as ServerMessage);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`[radstation] the reply to ${callName} could not be serialised: ${reason}`);
    const failure: ServerMessage = {
      type: 'result',
      id,
      result: { ok: false, error: { code: 'internal', message: `The reply to ${callName} could not be sent: ${reason}.` } },
    };
    return JSON.stringify(failure);
  }
}

/**
 * One browser's socket: contract calls in, results out. A message that is not a contract
 * message closes this socket only; a protocol error (a bad frame, an oversized message)
 * is logged and ends this socket, never the host. The guard is asked before each
 * message, so a revoked credential stops at once even if its socket is still open, and
 * may refuse a call outright for this client (a classroom's rule beyond the contract's roles).
 */
export interface SocketGuard {
  /** Whether the socket's credential still holds; false closes the socket before the message runs. */
  credentialHolds(): boolean;
  /** A host's own refusal of a call for this client (why), before the request is even validated. */
  refusal?(callName: string): string | undefined;
}

export function serveSocket(ws: WebSocket, context: CallContext, handlers: CallHandlers, log: (message: string) => void, guard?: SocketGuard): void {
  const { client } = context;
  ws.on('error', (error) => log(`[radstation] ${client}: ${error.message}`));
  ws.on('message', (data) => {
    // A credential revoked since the socket opened (a removed student, an ended session) runs nothing more.
    if (guard && !guard.credentialHolds()) {
      ws.close(4401, 'Your access to this host has ended.');
      return;
    }
    let message;
    try {
      message = clientMessageSchema.safeParse(JSON.parse(data.toString()));
    } catch {
      message = undefined;
    }
    if (!message?.success) {
      ws.close(1003, 'Malformed message');
      return;
    }
    const { id, name, payload } = message.data;
    const refusal = guard?.refusal?.(name);
    if (refusal !== undefined) {
      ws.send(resultMessageText(id, { ok: false, error: { code: 'forbidden', message: refusal } }, name, log));
      return;
    }
    void dispatch(handlers, name, payload, context, log)
      .then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(resultMessageText(id, result, name, log));
      })
      .catch((error: unknown) => log(`[radstation] ${client}: answering ${name} failed: ${String(error)}`));
  });
}
