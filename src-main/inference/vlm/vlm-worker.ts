import { serveWorkerRpc } from '../../platform/worker-rpc/worker-side';
import { VlmSession } from './vlm-session';
import type { VlmMethods } from './worker-protocol';

/**
 * Worker-thread host for one VlmSession: generation runs off the main thread so the UI and the
 * services stay responsive; tokens stream back as events; cancel aborts between decode steps.
 */

let session: VlmSession | undefined;

const server = serveWorkerRpc<VlmMethods>({
  open: async ({ bundleDir, options }) => {
    await session?.close();
    session = await VlmSession.open(bundleDir, options);
    return { vocabSize: session.tokenizer.vocabSize, provider: session.provider, fallbacks: [...session.fallbacks] };
  },
  ask: (request, call) => {
    if (!session) throw new Error('no bundle is open');
    return session.ask({ ...request, signal: call.signal, onToken: (event) => call.emit(event) });
  },
  close: async (_params, call) => {
    server.cancelAll();
    await session?.close();
    session = undefined;
    call.endWorkerAfterReply();
    return null;
  },
});
