import WebSocket from 'ws';
import type { RunningHost } from './fixtures';

/** One call to the host over its socket, as a second window (or another renderer) would make it. */
export async function callHost<T>(host: RunningHost, name: string, payload: unknown): Promise<T> {
  const socket = new WebSocket(`${host.origin.replace(/^http/, 'ws')}/ws`, { headers: { 'x-radstation-token': host.token } });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  try {
    return await new Promise<T>((resolve, reject) => {
      socket.on('message', (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as { type: string; id?: number; result?: { ok: boolean; value?: unknown; error?: { message: string } } };
        if (message.type !== 'result' || message.id !== 1) return;
        if (message.result?.ok) resolve(message.result.value as T);
        else reject(new Error(`${name}: ${message.result?.error?.message ?? 'failed'}`));
      });
      socket.send(JSON.stringify({ type: 'call', id: 1, name, payload }));
    });
  } finally {
    socket.close();
  }
}
