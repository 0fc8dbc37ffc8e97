import type { WorkerErrorCode } from './protocol';

/** A failure inside the worker that carries the code the main thread reports. */
export class WorkerTaskError extends Error {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerTaskError';
  }
}
