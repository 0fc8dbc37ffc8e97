import { parentPort } from 'node:worker_threads';
import { VlmSession } from './vlm-session';
import type { FromVlmWorker, ToVlmWorker } from './worker-protocol';

/**
 * Worker-thread host for one VlmSession: generation runs off the main thread so the UI and the
 * services stay responsive; tokens stream back as messages; cancel aborts between decode steps.
 */

if (!parentPort) throw new Error('vlm-worker must run in a worker thread');
const port = parentPort;

let session: VlmSession | undefined;
const running = new Map<number, AbortController>();
const send = (message: FromVlmWorker) => port.postMessage(message);

port.on('message', (message: ToVlmWorker) => {
  void handle(message).catch((error: unknown) => {
    const requestId = 'requestId' in message ? message.requestId : undefined;
    send({ type: 'error', ...(requestId !== undefined ? { requestId } : {}), message: error instanceof Error ? error.message : String(error) });
  });
});

async function handle(message: ToVlmWorker): Promise<void> {
  switch (message.type) {
    case 'open':
      await session?.close();
      session = await VlmSession.open(message.bundleDir, message.options);
      send({ type: 'opened', vocabSize: session.tokenizer.vocabSize, provider: session.provider, fallbacks: [...session.fallbacks] });
      return;
    case 'ask': {
      if (!session) throw new Error('no bundle is open');
      const controller = new AbortController();
      running.set(message.requestId, controller);
      try {
        const answer = await session.ask({
          ...message.request,
          signal: controller.signal,
          onToken: (event) => send({ type: 'token', requestId: message.requestId, event }),
        });
        send({ type: 'answer', requestId: message.requestId, answer });
      } finally {
        running.delete(message.requestId);
      }
      return;
    }
    case 'cancel':
      running.get(message.requestId)?.abort();
      return;
    case 'close':
      for (const controller of running.values()) controller.abort();
      await session?.close();
      session = undefined;
      send({ type: 'closed' });
      port.close();
      return;
  }
}
