import fs from 'node:fs/promises';
import os from 'node:os';
import { ServiceError, type CallResponse, type EventPayload, type ParsedCallRequest } from '../../src-shared/contract';
import type { InputDomain, ProviderChoice } from '../../src-shared/contract/inference';
import { checkInputDomain, inputFacts } from './input-domain';
import { readSlice } from './pixels/dicom-pixels';
import { BundleRegistry, type LoadedBundle, type ModelSource, type RunnableTaskKind } from './bundles/bundle-registry';
import { BundleVerifier } from './bundles/bundle-verification';
import { InferenceJobQueue, removeAbandonedStaging, type JobOutcome } from './jobs/job-queue';
import { checkRegion, chooseSlices } from './jobs/series-selection';
import type { PixelRegion } from './pixels/region';
import { newUid } from '../../src-shared/dicom/uid';
import { providerOrder } from './providers';
import type { SeriesSlice, SeriesSource } from './series-source';
import { InferenceWorkerClient, InferenceWorkerError } from './worker-client';
import type { SessionCacheOptions } from './worker/session-cache';
import { parseDicomBounded } from '../dicom/sequence-depth';

export interface InferenceServiceConfig {
  modelSources: ModelSource[];
  /** Remembers verified bundle files across restarts; optional. */
  verificationStorePath?: string;
  seriesSource: SeriesSource;
  /** Finished derived series land in <derivedRoot>/<Series Instance UID>/. */
  derivedRoot: string;
  /** Adds a finished derived series to the cache (the import service, once wired). */
  importDerivedSeries?: (files: string[]) => Promise<string[]>;
  emit: <Name extends 'inference.progress' | 'inference.finished'>(name: Name, payload: EventPayload<Name>) => void;
  /** A setting or --provider: used whenever a request says 'auto'. */
  providerSetting?: ProviderChoice;
  session?: Partial<SessionCacheOptions>;
  defaultTimeoutSeconds?: number;
}

export interface TaskSelection {
  taskId: string;
  bundleId?: string;
  provider: ProviderChoice;
}

async function sourceSeriesNumber(filePath: string): Promise<number | undefined> {
  try {
    const bytes = await fs.readFile(filePath);
    return parseDicomBounded(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x00200011' }).intString('x00200011');
  } catch {
    return undefined;
  }
}

/**
 * The Series Number of a new derived series: conventionally the source's + 1000, so it sorts after
 * its source, then the next one up that no series of the study holds and no job of this process
 * has been given (several results saved from one series each get their own).
 */
export function nextDerivedSeriesNumber(sourceNumber: number | undefined, taken: ReadonlySet<number>): number {
  let number = (sourceNumber ?? 0) + 1000;
  while (taken.has(number)) number += 1;
  return number;
}

function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof InferenceWorkerError) {
    const code = error.code === 'invalid-input' ? 'invalid-request' : error.code === 'cancelled' ? 'cancelled' : error.code === 'worker-stopped' ? 'unavailable' : 'internal';
    return new ServiceError(code, error.message);
  }
  return new ServiceError('internal', error instanceof Error ? error.message : String(error));
}

function base64OfFloat32(values: Float32Array): string {
  // The wire format is little-endian; on such hosts (all supported ones) the memory already is.
  if (os.endianness() === 'LE') return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i += 1) bytes.writeFloatLE(values[i]!, i * 4);
  return bytes.toString('base64');
}

export type InferenceService = ReturnType<typeof createInferenceService>;

/**
 * Model bundles, previews and series jobs. Everything heavy runs in one worker thread;
 * this side resolves bundles and tasks, queues jobs and turns failures into plain errors.
 */
export function createInferenceService(config: InferenceServiceConfig) {
  const registry = new BundleRegistry(config.modelSources, new BundleVerifier(config.verificationStorePath));
  const worker = new InferenceWorkerClient({
    maxSessions: config.session?.maxSessions ?? 4,
    lowMemoryBytes: config.session?.lowMemoryBytes ?? 512 * 1024 * 1024,
    ...(config.session?.intraOpThreads !== undefined ? { intraOpThreads: config.session.intraOpThreads } : {}),
  });
  const jobs = new InferenceJobQueue(worker, {
    progress: (payload) => config.emit('inference.progress', payload),
    finished: (payload) => config.emit('inference.finished', payload),
  });
  void removeAbandonedStaging(config.derivedRoot);
  const provider = (requested: ProviderChoice): ProviderChoice => (requested === 'auto' ? (config.providerSetting ?? 'auto') : requested);

  /** Series Numbers given to this process's jobs, per study, so results saved before others finish still differ. */
  const assignedSeriesNumbers = new Map<string, Set<number>>();

  async function resolve(selection: TaskSelection) {
    const { bundle, task } = await registry.resolveTask(selection.taskId, selection.bundleId);
    return { bundleRef: { id: bundle.manifest.id, version: bundle.manifest.version, dir: bundle.dir }, task };
  }

  /** Starts a job over explicit slices (a cached series, or a file's frames for the CLI). */
  async function startJob(selection: TaskSelection, slices: SeriesSlice[], options: { timeoutSeconds?: number; importDerived: boolean; region?: PixelRegion }) {
    const { bundleRef, task } = await resolve(selection);
    if (slices.length === 0) throw new ServiceError('not-found', 'There are no images to run the task on.');
    const number = await sourceSeriesNumber(slices[0]!.filePath);
    const study = config.seriesSource.studyOf?.(slices[0]!.sopInstanceUid);
    const assignedInStudy = assignedSeriesNumbers.get(study?.studyInstanceUid ?? '') ?? new Set<number>();
    const seriesNumber = nextDerivedSeriesNumber(number, new Set([...(study?.seriesNumbers ?? []), ...assignedInStudy]));
    assignedSeriesNumbers.set(study?.studyInstanceUid ?? '', assignedInStudy.add(seriesNumber));
    // Judged on the first slice: a series shares its modality, contrast, thickness and matrix.
    const domain = await service.checkInput(selection, slices[0]!.filePath, slices[0]!.frame ?? 0);
    const job = jobs.enqueue({
      taskId: task.id,
      bundle: bundleRef,
      task,
      provider: provider(selection.provider),
      slices,
      ...(options.region ? { region: options.region } : {}),
      seriesInstanceUid: newUid(),
      seriesNumber,
      outputRoot: config.derivedRoot,
      timeoutMs: (options.timeoutSeconds ?? config.defaultTimeoutSeconds ?? 3600) * 1000,
      ...(options.importDerived && config.importDerivedSeries ? { importDerived: config.importDerivedSeries } : {}),
    });
    return { ...job, domain };
  }

  const service = {
    async listModels(): Promise<CallResponse<'inference.listModels'>> {
      const bundles = await registry.list();
      return { bundles: bundles.map((bundle) => bundle.summary), providers: providerOrder(provider('auto')) };
    },

    /** How one frame of a file compares with what the task was trained on. */
    async checkInput(selection: TaskSelection, filePath: string, frame: number): Promise<InputDomain> {
      const { task } = await resolve(selection);
      if (task.kind !== 'image-to-image' || !task.trainedOn) return { warnings: [], bicubicPreferred: null };
      try {
        const bytes = await fs.readFile(filePath);
        const header = parseDicomBounded(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
        const slice = await readSlice(filePath, frame);
        return checkInputDomain(task, inputFacts(header, slice.stored, slice.rows, slice.columns));
      } catch (error) {
        return { warnings: [`Whether this input is like the model's training data could not be checked: ${error instanceof Error ? error.message : String(error)}`], bicubicPreferred: null };
      }
    },

    async previewFile(selection: TaskSelection, filePath: string, frame: number): Promise<CallResponse<'inference.preview'>> {
      const { bundleRef, task } = await resolve(selection);
      const domain = await service.checkInput(selection, filePath, frame);
      try {
        const result = await worker.runSlice({ bundle: bundleRef, task, provider: provider(selection.provider), source: { filePath, frame }, returnPixels: true });
        return {
          taskId: task.id,
          bundleId: bundleRef.id,
          provider: result.provider,
          fallbacks: result.fallbacks,
          timings: result.timings,
          image: { rows: result.rows, columns: result.columns, pixelSpacing: result.pixelSpacing, pixels: base64OfFloat32(result.pixels ?? new Float32Array()) },
          domain,
        };
      } catch (error) {
        throw toServiceError(error);
      }
    },

    /** A closed question about an 8-bit displayed image; answered in the worker like every model run. */
    async askClosed(request: ParsedCallRequest<'inference.askClosed'>): Promise<CallResponse<'inference.askClosed'>> {
      const { bundle, task } = await registry.resolveTask(request.taskId, request.bundleId, 'vqa-closed');
      const pixels = new Uint8Array(Buffer.from(request.image.pixelsBase64, 'base64'));
      if (pixels.length !== request.image.width * request.image.height) {
        throw new ServiceError('invalid-request', `The image has ${pixels.length} bytes; ${request.image.width} × ${request.image.height} 8-bit pixels were declared.`);
      }
      try {
        const result = await worker.answerQuestion({
          bundle: { id: bundle.manifest.id, version: bundle.manifest.version, dir: bundle.dir },
          task,
          provider: provider(request.provider),
          image: { width: request.image.width, height: request.image.height, pixels },
          question: request.question,
        });
        return { ...result, taskId: task.id, bundleId: bundle.manifest.id, bundleName: bundle.manifest.name, bundleVersion: bundle.manifest.version };
      } catch (error) {
        throw toServiceError(error);
      }
    },

    async preview(request: ParsedCallRequest<'inference.preview'>): Promise<CallResponse<'inference.preview'>> {
      const filePath = config.seriesSource.instanceFile(request.sopInstanceUid);
      if (!filePath) throw new ServiceError('not-found', `The cache has no instance ${request.sopInstanceUid}.`);
      return this.previewFile(request, filePath, request.frame);
    },

    async runSeries(request: ParsedCallRequest<'inference.run'>): Promise<{ jobId: string; done: Promise<JobOutcome>; domain: InputDomain }> {
      const series = config.seriesSource.slicesOf(request.seriesInstanceUid);
      if (series.length === 0) throw new ServiceError('not-found', `The cache has no series ${request.seriesInstanceUid}.`);
      const slices = chooseSlices(request.seriesInstanceUid, series, request.instances);
      await checkRegion(request.region, slices);
      return startJob(request, slices, { timeoutSeconds: request.timeoutSeconds, importDerived: true, ...(request.region ? { region: request.region } : {}) });
    },

    /** Every frame of one file, written as a derived series but not added to the cache (the CLI's --file). */
    async runFile(selection: TaskSelection, filePath: string, options: { timeoutSeconds?: number } = {}) {
      const bytes = await fs.readFile(filePath).catch((error: unknown) => {
        throw new ServiceError('not-found', `Cannot read ${filePath}: ${error instanceof Error ? error.message : String(error)}`);
      });
      let frames = 1;
      try {
        const dataSet = parseDicomBounded(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
        frames = Math.max(1, dataSet.intString('x00280008') ?? 1);
      } catch {
        throw new ServiceError('invalid-request', `${filePath} is not a readable DICOM file.`);
      }
      const slices = Array.from({ length: frames }, (_, frame) => ({ sopInstanceUid: '', filePath, frame }));
      return startJob(selection, slices, { ...options, importDerived: false });
    },

    cancel: (jobId: string): boolean => jobs.cancel(jobId),

    /** The installed bundles as the registry reads them now (the VLM service finds its bundles here). */
    listBundles: (): Promise<LoadedBundle[]> => registry.list(),
    /** A runnable task of a given kind, or a ServiceError saying plainly why not. */
    resolveTask: <Kind extends RunnableTaskKind>(taskId: string, bundleId: string | undefined, kind: Kind) => registry.resolveTask(taskId, bundleId, kind),

    /** Opens the task's session ahead of the first slice, so the first result is not slowed by loading. */
    async warmUp(selection: TaskSelection) {
      const { bundleRef, task } = await resolve(selection);
      return worker.warmUp({ bundle: bundleRef, task, provider: provider(selection.provider) }).catch((error: unknown) => {
        throw toServiceError(error);
      });
    },

    /** Releases the image and VQA tasks' open sessions (their memory); resolves to how many were open. */
    releaseSessions: (): Promise<number> => worker.releaseSessions(),

    /** Cancels the jobs, then closes the worker; resolves to the sessions it had open. */
    async close(): Promise<number> {
      await jobs.cancelAll();
      return worker.close();
    },
  };
  return service;
}
