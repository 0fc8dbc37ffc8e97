import type { RadstationBridge } from '../../src-shared/contract/bridge';
import { serverMessageSchema, type ClientMessage } from '../../src-shared/contract/wire';

interface Pending {
  resolve: (envelope: unknown) => void;
}

/**
 * A WebSocket to the web host, reconnecting on loss; calls made while it is down wait for
 * it. The page holds no token: the browser joined through a one-time link and sends the
 * host's HttpOnly cookie with the upgrade, as with every other request.
 */
export function createWebSocketTransport(): RadstationBridge {
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | undefined;
  let retryDelay = 250;

  const connect = (): void => {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/ws`);
    socket = ws;
    ws.onopen = () => {
      retryDelay = 250;
      for (const text of queue.splice(0)) ws.send(text);
    };
    ws.onmessage = (event) => {
      const parsed = serverMessageSchema.safeParse(JSON.parse(String(event.data)));
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'result') {
        pending.get(message.id)?.resolve(message.result);
        pending.delete(message.id);
      } else {
        for (const listener of listeners) listener(message.name, message.payload);
      }
    };
    ws.onclose = () => {
      // Calls in flight on a lost socket cannot be answered; fail them in plain words.
      for (const [id, call] of pending) {
        call.resolve({ ok: false, error: { code: 'unavailable', message: 'The connection to the Radstation host was lost.' } });
        pending.delete(id);
      }
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 5000);
    };
  };
  connect();

  return {
    host: 'web',
    fileBaseUrl: '',
    invoke(name, payload) {
      const id = nextId++;
      const text = JSON.stringify({ type: 'call', id, name, payload } satisfies ClientMessage);
      return new Promise((resolve) => {
        pending.set(id, { resolve });
        if (socket?.readyState === WebSocket.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
