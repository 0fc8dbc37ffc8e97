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
 * is logged and ends this socket, never the host. `credentialHolds` is asked before each
 * message, so a revoked credential stops at once even if its socket is still open.
 */
export function serveSocket(ws: WebSocket, context: CallContext, handlers: CallHandlers, log: (message: string) => void, credentialHolds: () => boolean = () => true): void {
  const { client } = context;
  ws.on('error', (error) => log(`[radstation] ${client}: ${error.message}`));
  ws.on('message', (data) => {
    // A credential revoked since the socket opened (a removed student, an ended session) runs nothing more.
    if (!credentialHolds()) {
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
    void dispatch(handlers, name, payload, context, log)
      .then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(resultMessageText(id, result, name, log));
      })
      .catch((error: unknown) => log(`[radstation] ${client}: answering ${name} failed: ${String(error)}`));
  });
}
