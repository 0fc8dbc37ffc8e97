import { workerData } from 'node:worker_threads';
import { serveWorkerRpc } from '../../../src-main/platform/worker-rpc/worker-side';
import type { FixtureData, FixtureMethods } from './fixture-methods';

/** A small worker for tests/unit/worker-rpc.test.ts: real thread, real messages. */
class CodedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

let handled = 0;
let lastBytes: Uint8Array | undefined;
const whenAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

serveWorkerRpc<FixtureMethods>(
  {
    echo: async ({ value, delayMs }) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      handled += 1;
      return { value, threadSeen: handled };
    },
    count: ({ count }, call) => {
      for (let index = 0; index < count; index += 1) call.emit({ index });
      return count;
    },
    untilCancelled: async (_params, call) => {
      call.emit('waiting');
      await whenAborted(call.signal);
      return { ended: 'cancelled' };
    },
    throwWhenCancelled: async (_params, call) => {
      call.emit('waiting');
      await whenAborted(call.signal);
      throw new CodedError('stopped on request', 'cancelled');
    },
    fail: ({ message, code }) => {
      throw code === undefined ? new Error(message) : new CodedError(message, code);
    },
    exit: ({ code }) => process.exit(code),
    throwUncaught: ({ message }) =>
      new Promise<never>(() => {
        setTimeout(() => {
          throw new Error(message);
        }, 0);
      }),
    unclonable: () => ({ fn: () => undefined }),
    bytes: ({ length }, call) => {
      const bytes = new Uint8Array(length).fill(7);
      call.transfer([bytes.buffer]);
      lastBytes = bytes;
      return bytes;
    },
    lastBytesLength: () => lastBytes?.byteLength ?? -1,
    goodbye: (_params, call) => {
      call.endWorkerAfterReply();
      return 'bye';
    },
  },
  { sequential: (workerData as FixtureData).sequential },
);
