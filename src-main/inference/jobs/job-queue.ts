import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EventPayload } from '../../../src-shared/contract';
import type { ExecutionProviderName, InferenceResult, ProviderChoice } from '../../../src-shared/contract/inference';
import type { ImageToImageTask } from '../../../src-shared/inference/manifest';
import type { SeriesSlice } from '../series-source';
import { InferenceWorkerError, type InferenceWorkerClient } from '../worker-client';
import type { BundleRef } from '../worker/protocol';
import type { ProviderFallback } from '../worker/session-cache';

const stagingPrefix = '.staging-';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes staging folders left by a process that was killed mid-job. Folders of live
 * processes (the CLI running beside the app on the same cache) are left alone.
 */
export async function removeAbandonedStaging(outputRoot: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(outputRoot);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(stagingPrefix)) continue;
    const pid = Number(entry.slice(stagingPrefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) continue;
    await fs.rm(path.join(outputRoot, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}

export interface SeriesJobSpec {
  taskId: string;
  bundle: BundleRef;
  task: ImageToImageTask;
  provider: ProviderChoice;
  slices: SeriesSlice[];
  /** Only this rectangle of each slice's source pixels. */
  region?: { x: number; y: number; width: number; height: number };
  seriesInstanceUid: string;
  seriesNumber: number;
  /** The finished series lands in <outputRoot>/<Series Instance UID>/. */
  outputRoot: string;
  timeoutMs: number;
  /** Hands the finished files on (to the cache) and answers where they now live; when it throws, the files are removed. */
  importDerived?: (files: string[]) => Promise<string[]>;
}

export type JobOutcome = EventPayload<'inference.finished'>;

export interface JobEvents {
  progress(payload: EventPayload<'inference.progress'>): void;
  finished(payload: JobOutcome): void;
}

interface Job {
  id: string;
  spec: SeriesJobSpec;
  cancelFlag: Int32Array;
  state: 'queued' | 'running' | 'finishing' | 'done';
  stop?: 'cancelled' | 'timeout';
  done: Promise<JobOutcome>;
  resolve: (outcome: JobOutcome) => void;
}

/**
 * Series jobs, one at a time, in order. Each slice is one worker request, so a preview
 * can slip in between slices. Output goes to a staging folder that is renamed into
 * place only when every slice succeeded: a cancelled, timed-out or failed job removes
 * its staging folder and leaves no derived series behind.
 */
export class InferenceJobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private running = false;

  constructor(
    private readonly worker: InferenceWorkerClient,
    private readonly events: JobEvents,
  ) {}

  enqueue(spec: SeriesJobSpec): { jobId: string; done: Promise<JobOutcome> } {
    let resolve!: (outcome: JobOutcome) => void;
    const done = new Promise<JobOutcome>((r) => (resolve = r));
    const job: Job = { id: randomUUID(), spec, cancelFlag: new Int32Array(new SharedArrayBuffer(4)), state: 'queued', done, resolve };
    this.jobs.set(job.id, job);
    this.queue.push(job);
    void this.pump();
    return { jobId: job.id, done };
  }

  /** True when the job was queued or running and will now stop; false once it has finished. */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.state === 'done' || job.state === 'finishing') return false;
    job.stop ??= 'cancelled';
    Atomics.store(job.cancelFlag, 0, 1);
    if (job.state === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.finish(job, { jobId: job.id, status: 'cancelled', error: { code: 'cancelled', message: 'Cancelled before it started.' } });
    }
    return true;
  }

  /** Cancels everything, for shutdown. */
  async cancelAll(): Promise<void> {
    const pending = [...this.jobs.values()].filter((job) => job.state !== 'done');
    for (const job of pending) this.cancel(job.id);
    await Promise.all(pending.map((job) => job.done));
  }

  private finish(job: Job, outcome: JobOutcome): void {
    job.state = 'done';
    this.events.finished(outcome);
    job.resolve(outcome);
    // Finished jobs are forgotten: their outcome went out as an event.
    this.jobs.delete(job.id);
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        job.state = 'running';
        this.finish(job, await this.run(job));
      }
    } finally {
      this.running = false;
    }
  }

  private async run(job: Job): Promise<JobOutcome> {
    const { spec } = job;
    const started = Date.now();
    const staging = path.join(spec.outputRoot, `${stagingPrefix}${process.pid}-${job.id}`);
    const timer = setTimeout(() => {
      job.stop ??= 'timeout';
      Atomics.store(job.cancelFlag, 0, 1);
      // A single forward pass cannot be interrupted: stop the worker; the next request starts a new one.
      void this.worker.terminate();
    }, spec.timeoutMs);
    let provider: ExecutionProviderName | null = null;
    const fallbacks: ProviderFallback[] = [];
    try {
      if (spec.slices.length === 0) throw new InferenceWorkerError('invalid-input', 'the series has no instances to run on');
      await fs.mkdir(staging, { recursive: true });
      const files: string[] = [];
      this.events.progress({ jobId: job.id, taskId: spec.taskId, slicesDone: 0, slicesTotal: spec.slices.length, provider });
      for (const [index, slice] of spec.slices.entries()) {
        if (job.stop) throw new InferenceWorkerError('cancelled', 'cancelled');
        const fileName = `${String(index + 1).padStart(5, '0')}.dcm`;
        const result = await this.worker.runSlice({
          bundle: spec.bundle,
          task: spec.task,
          provider: spec.provider,
          source: { filePath: slice.filePath, frame: slice.frame },
          ...(spec.region ? { region: spec.region } : {}),
          derived: {
            outputPath: path.join(staging, fileName),
            seriesInstanceUid: spec.seriesInstanceUid,
            sopInstanceUid: `${spec.seriesInstanceUid}.${index + 1}`,
            seriesNumber: spec.seriesNumber,
            instanceNumber: index + 1,
          },
          returnPixels: false,
          cancelFlag: job.cancelFlag,
        });
        provider = result.provider;
        for (const fallback of result.fallbacks) if (!fallbacks.some((f) => f.provider === fallback.provider)) fallbacks.push(fallback);
        files.push(fileName);
        this.events.progress({ jobId: job.id, taskId: spec.taskId, slicesDone: index + 1, slicesTotal: spec.slices.length, provider });
      }
      if (job.stop) throw new InferenceWorkerError('cancelled', 'cancelled');
      job.state = 'finishing';
      clearTimeout(timer);
      const finalDir = path.join(spec.outputRoot, spec.seriesInstanceUid);
      await fs.rename(staging, finalDir);
      let outputs = files.map((file) => path.join(finalDir, file));
      try {
        // Once imported, the outputs live in the cache's store, wherever that put them.
        if (spec.importDerived) outputs = await spec.importDerived(outputs);
      } catch (error) {
        await fs.rm(finalDir, { recursive: true, force: true });
        throw new InferenceWorkerError('internal', `the derived series could not be added to the cache: ${error instanceof Error ? error.message : String(error)}`);
      }
      const result: InferenceResult = {
        taskId: spec.taskId,
        bundleId: spec.bundle.id,
        bundleVersion: spec.bundle.version,
        provider: provider ?? 'cpu',
        fallbacks,
        seconds: (Date.now() - started) / 1000,
        seriesInstanceUid: spec.seriesInstanceUid,
        outputs,
      };
      return { jobId: job.id, status: 'completed', result };
    } catch (error) {
      await fs.rm(staging, { recursive: true, force: true });
      if (job.stop === 'timeout') {
        return { jobId: job.id, status: 'failed', error: { code: 'timeout', message: `The job ran past its ${Math.round(spec.timeoutMs / 1000)} s limit and was stopped; nothing was saved.` } };
      }
      if (job.stop === 'cancelled') return { jobId: job.id, status: 'cancelled', error: { code: 'cancelled', message: 'Cancelled; nothing was saved.' } };
      const code = error instanceof InferenceWorkerError ? error.code : 'internal';
      return { jobId: job.id, status: 'failed', error: { code, message: error instanceof Error ? error.message : String(error) } };
    } finally {
      clearTimeout(timer);
    }
  }
}
