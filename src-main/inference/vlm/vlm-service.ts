import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../../src-shared/contract/errors';
import type { CallResponse, EventPayload, ParsedCallRequest } from '../../../src-shared/contract';
import type { LoadedBundle, RunnableTaskKind } from '../bundles/bundle-registry';
import type { BundleManifest, BundleTask } from '../../../src-shared/inference/manifest';
import type { ProviderChoice } from '../../../src-shared/contract/inference';
import { readDicomSlice } from './dicom-slice';
import type { PixelImage } from './image-preprocess';
import type { VlmSessionOptions } from './vlm-session';
import { VlmWorkerClient, type PendingAnswer } from './vlm-worker-client';
import { makeRoomForBundle, type MemoryPressureConfig, type MemoryRelief } from './memory-pressure';

/**
 * Report Q&A's open questions: a vision-language bundle (HealthGPT) answers about one cached
 * instance, as displayed with the reader's window. Generation runs in a worker thread; each token
 * is pushed as a vlm.token event and the end as vlm.finished, so the renderer can stream and cancel.
 * The slice is read from the study cache by its SOP Instance UID: a renderer never names a file.
 */

type VlmEventName = 'vlm.token' | 'vlm.finished';

export interface VlmServiceConfig {
  /** The app's bundle registry, as the inference service exposes it. */
  bundles: {
    listBundles(): Promise<LoadedBundle[]>;
    resolveTask<Kind extends RunnableTaskKind>(
      taskId: string,
      bundleId: string | undefined,
      kind: Kind,
    ): Promise<{ bundle: LoadedBundle & { manifest: BundleManifest }; task: Extract<BundleTask, { kind: Kind }> }>;
  };
  /** The cached file of an instance, or undefined when the cache has none. */
  instanceFile(sopInstanceUid: string): string | undefined;
  emit<Name extends VlmEventName>(name: Name, payload: EventPayload<Name>): void;
  /** The execution-provider setting (--provider, RADSTATION_PROVIDER), as the image tasks use it; 'auto' when absent. */
  providerSetting?: ProviderChoice;
  /** Other session settings for the worker (threads). */
  sessionOptions?: Omit<VlmSessionOptions, 'provider'>;
  /** The memory rule (memory-pressure.ts): how to read free memory and release the compact model's sessions. */
  memory?: MemoryPressureConfig;
}

export type VlmService = ReturnType<typeof createVlmService>;

interface RunningAnswer {
  cancelled: boolean;
  pending?: PendingAnswer;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createVlmService(config: VlmServiceConfig) {
  const providerSetting = config.providerSetting ?? 'auto';
  const sessionOptions: VlmSessionOptions = { ...config.sessionOptions, provider: providerSetting };
  // One worker per bundle folder, opened on first use and kept: loading a full model takes seconds.
  const clients = new Map<string, Promise<VlmWorkerClient>>();
  const running = new Map<string, RunningAnswer>();
  // One answer at a time: two generations at once would only share the same cores and both be slow.
  let queue: Promise<void> = Promise.resolve();

  // What the memory rule did when each bundle was last opened, for the log and the tests.
  const reliefs: MemoryRelief[] = [];

  function clientFor(dir: string, manifest: BundleManifest): Promise<VlmWorkerClient> {
    let client = clients.get(dir);
    if (!client) {
      client = makeRoomForBundle(manifest, config.memory ?? {}).then((relief) => {
        reliefs.push(relief);
        if (relief.releasedSessions > 0) {
          console.error(`[radstation] released ${relief.releasedSessions} compact-model session(s) to open ${relief.bundleId}: ${Math.round(relief.freeBytes / 2 ** 20)} MB free, ${Math.round(relief.needBytes / 2 ** 20)} MB needed`);
        }
        return VlmWorkerClient.open(dir, sessionOptions);
      });
      clients.set(dir, client);
      client.catch(() => clients.delete(dir));
    }
    return client;
  }

  async function forget(dir: string): Promise<void> {
    const client = clients.get(dir);
    clients.delete(dir);
    await client?.then((c) => c.close()).catch(() => undefined);
  }

  async function resolveBundle(bundleId: string, taskId: string | undefined) {
    const listed = (await config.bundles.listBundles()).find((bundle) => bundle.summary.id === bundleId);
    if (!listed) throw new ServiceError('not-found', `There is no model bundle "${bundleId}".`);
    const id = taskId ?? listed.manifest?.tasks.find((task) => task.kind === 'vlm-generate')?.id;
    if (!id) throw new ServiceError('unavailable', `The ${listed.summary.name} bundle cannot answer open questions: it has no vlm-generate task.`);
    return config.bundles.resolveTask(id, bundleId, 'vlm-generate');
  }

  async function displayedSlice(request: ParsedCallRequest<'vlm.ask'>): Promise<PixelImage> {
    const file = config.instanceFile(request.sopInstanceUid);
    if (!file) throw new ServiceError('not-found', `The cache has no instance ${request.sopInstanceUid}.`);
    try {
      const { image } = await readDicomSlice(file, request.window, request.frame);
      if (request.roi && (request.roi.x + request.roi.width > image.width || request.roi.y + request.roi.height > image.height)) {
        throw new Error(`the region ${request.roi.width}×${request.roi.height} at (${request.roi.x}, ${request.roi.y}) lies outside the ${image.width}×${image.height} image`);
      }
      return image;
    } catch (error) {
      throw new ServiceError('invalid-request', `This image cannot be given to the model: ${message(error)}.`);
    }
  }

  const finished = (requestId: string, rest: Partial<EventPayload<'vlm.finished'>> & Pick<EventPayload<'vlm.finished'>, 'stopReason'>) =>
    config.emit('vlm.finished', {
      requestId,
      answer: '',
      generatedTokens: 0,
      promptTokens: 0,
      timings: { imageMs: 0, prefillMs: 0, decodeMs: 0 },
      aiGenerated: true,
      ...rest,
    });

  async function generate(requestId: string, job: RunningAnswer, dir: string, manifest: BundleManifest, image: PixelImage, request: ParsedCallRequest<'vlm.ask'>) {
    try {
      if (job.cancelled) return finished(requestId, { stopReason: 'cancelled' });
      const client = await clientFor(dir, manifest);
      if (job.cancelled) return finished(requestId, { stopReason: 'cancelled', provider: client.provider });
      job.pending = client.ask(
        {
          question: request.question,
          image,
          ...(request.roi ? { roi: request.roi } : {}),
          ...(request.maxNewTokens ? { maxNewTokens: request.maxNewTokens } : {}),
          sampling: request.sampling,
        },
        (event) => config.emit('vlm.token', { requestId, index: event.index, text: event.text }),
      );
      const answer = await job.pending.answer;
      const { imageMs, prefillMs, decodeMs } = answer.timings;
      return finished(requestId, {
        answer: answer.text,
        stopReason: answer.stopReason,
        generatedTokens: answer.tokenIds.length,
        promptTokens: answer.promptTokens,
        timings: { imageMs, prefillMs, decodeMs },
        provider: client.provider,
      });
    } catch (error) {
      // A failed worker is not trusted with the next question: it is closed and opened afresh.
      await forget(dir);
      return finished(requestId, { stopReason: 'failed', error: message(error) });
    } finally {
      running.delete(requestId);
    }
  }

  return {
    /** Checks the bundle and the image, then queues the answer; tokens follow as events. */
    async ask(request: ParsedCallRequest<'vlm.ask'>): Promise<CallResponse<'vlm.ask'>> {
      const { bundle, task } = await resolveBundle(request.bundleId, request.taskId);
      const image = await displayedSlice(request);
      // The worker is opened before the reply, so the reply names the provider that will answer (after any
      // fallback down the setting's order); only the first question of a bundle waits for the model to load.
      let provider: string;
      try {
        provider = (await clientFor(bundle.dir, bundle.manifest)).provider;
      } catch (error) {
        throw new ServiceError('unavailable', `The ${bundle.manifest.name} bundle could not be opened: ${message(error)}`);
      }
      const requestId = randomUUID();
      const job: RunningAnswer = { cancelled: false };
      running.set(requestId, job);
      queue = queue.then(() => generate(requestId, job, bundle.dir, bundle.manifest, image, request));
      return {
        requestId,
        bundleId: bundle.manifest.id,
        bundleName: bundle.manifest.name,
        bundleVersion: bundle.manifest.version,
        taskId: task.id,
        provider,
      };
    },

    /** Stops a queued or running answer; its vlm.finished says 'cancelled'. */
    cancel(requestId: string): boolean {
      const job = running.get(requestId);
      if (!job || job.cancelled) return false;
      job.cancelled = true;
      job.pending?.cancel();
      return true;
    },

    /** What the memory rule did each time a bundle was opened, oldest first. */
    memoryReliefs: (): readonly MemoryRelief[] => [...reliefs],

    /** Waits for every queued answer, then closes the workers. */
    async close(): Promise<void> {
      for (const job of running.values()) {
        job.cancelled = true;
        job.pending?.cancel();
      }
      await queue;
      await Promise.all([...clients.keys()].map((dir) => forget(dir)));
    },
  };
}
