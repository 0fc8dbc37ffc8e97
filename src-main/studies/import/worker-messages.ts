import type { ImportFinished, ImportProgress } from '../../../src-shared/domain/imports';

/** Messages from the import worker thread to the service on the main thread. */
export type WorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'studies-changed'; studyInstanceUids: string[] }
  | { type: 'finished'; finished: ImportFinished };
