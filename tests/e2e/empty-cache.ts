import WebSocket from 'ws';
import type { RunningHost } from './fixtures';

/**
 * Deletes every study through the host's own socket, as the UI would. The web host is
 * shared by all spec files in a Playwright worker, and some of them expect an empty
 * cache, so a spec that imports cleans up after itself.
 */
export async function emptyCache(host: RunningHost): Promise<void> {
  const socket = new WebSocket(`${host.origin.replace(/^http/, 'ws')}/ws`, { headers: { 'x-radstation-token': host.token } });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const call = (name: string, payload: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as { type: string; id?: number; result?: { ok: boolean; value?: unknown; error?: { message: string } } };
        if (message.type !== 'result' || message.id !== id) return;
        socket.off('message', onMessage);
        if (message.result?.ok) resolve(message.result.value);
        else reject(new Error(`${name}: ${message.result?.error?.message ?? 'failed'}`));
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ type: 'call', id, name, payload }));
    });
  try {
    const { studies } = (await call('studies.list', {})) as { studies: { studyInstanceUid: string }[] };
    for (const study of studies) await call('studies.delete', { studyInstanceUid: study.studyInstanceUid });
  } finally {
    socket.close();
  }
}
