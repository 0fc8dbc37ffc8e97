import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { WorkerTaskError } from './errors';
import type { WorkerReply, WorkerRequest } from './protocol';
import { SessionCache, type SessionCacheOptions } from './session-cache';
import { runSlice } from './slice-runner';
import { runVqa } from '../vqa/vqa-runner';

/**
 * The inference worker: everything heavy (DICOM decoding, onnxruntime, DICOM writing)
 * runs here so the main thread keeps answering IPC and the UI. Requests are handled one
 * at a time, in order; a series job sends one request per slice, so previews and other
 * jobs interleave between slices.
 */
if (!parentPort) throw new Error('inference-worker must run as a worker thread');
const port = parentPort;
const sessions = new SessionCache(workerData as SessionCacheOptions);

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  try {
    switch (request.kind) {
      case 'slice': {
        const value = await runSlice(request, sessions);
        return { kind: 'reply', id: request.id, ok: true, value };
      }
      case 'warm-up': {
        const { provider, fallbacks } = await sessions.acquire(path.join(request.bundle.dir, request.task.graphs[0]!), request.provider);
        return { kind: 'reply', id: request.id, ok: true, value: { provider, fallbacks } };
      }
      case 'vqa': {
        const value = await runVqa(request, sessions);
        return { kind: 'reply', id: request.id, ok: true, value };
      }
      case 'release':
        return { kind: 'reply', id: request.id, ok: true, value: { released: await sessions.releaseAll() } };
    }
  } catch (error) {
    if (error instanceof WorkerTaskError) return { kind: 'reply', id: request.id, ok: false, error: { code: error.code, message: error.message } };
    return { kind: 'reply', id: request.id, ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
  }
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    const reply = await handle(request);
    const transfer = reply.ok && reply.value && 'pixels' in reply.value && reply.value.pixels ? [reply.value.pixels.buffer as ArrayBuffer] : [];
    try {
      port.postMessage(reply, transfer);
    } catch (error) {
      // A reply that cannot be cloned must still answer, or the caller would wait forever.
      port.postMessage({ kind: 'reply', id: request.id, ok: false, error: { code: 'internal', message: `the worker could not send its reply: ${error instanceof Error ? error.message : String(error)}` } } satisfies WorkerReply);
    }
  });
});
