import path from 'node:path';
import ort from 'onnxruntime-node';
import { loadVlmBundle, type VlmBundle } from './bundle';
import { KvCache } from './kv-cache';
import { clipPixelValues, toRgb, type PixelImage, type Roi } from './image-preprocess';
import { buildPrompt, IMAGE_PLACEHOLDER, tokenizeWithImage } from './prompt';
import { chooseToken, seededRandom, type Sampling } from './sampling';
import { SentencePieceBpeTokenizer } from './tokenizer';
import { openOnFirstProvider } from './provider-fallback';
import type { ExecutionProviderName, ProviderChoice } from '../../../src-shared/contract/inference';
import type { ProviderFallback } from '../worker/session-cache';

/**
 * The autoregressive runtime for a HealthGPT-shaped bundle: vision encoder → image features spliced
 * at the image token → prefill → token-by-token decode with the KV cache fed back as past inputs.
 * Runs wherever it is created; vlm-worker.ts hosts it in a worker thread.
 */

export interface TokenEvent {
  index: number;
  tokenId: number;
  /** Text this token completes (may be empty while a multi-byte character is still partial). */
  text: string;
}

export interface AskRequest {
  question: string;
  image?: PixelImage;
  roi?: Roi;
  maxNewTokens?: number;
  sampling?: Sampling;
  signal?: AbortSignal;
  onToken?: (event: TokenEvent) => void;
  /** Evaluation only: feed these tokens instead of the model's choices (teacher forcing). */
  forcedTokens?: readonly number[];
  /** Keep each step's logits in the answer (parity tests). */
  keepLogits?: boolean;
  /** Evaluation only: run the full maxNewTokens even through stop tokens. */
  ignoreStopTokens?: boolean;
}

export type StopReason = 'stop-token' | 'max-tokens' | 'cancelled' | 'context-full';

export interface VlmAnswer {
  text: string;
  tokenIds: number[];
  /** The model's own choice at each step; equals tokenIds unless tokens were forced. */
  chosenIds: number[];
  stopReason: StopReason;
  promptTokens: number;
  timings: { imageMs: number; prefillMs: number; decodeMs: number; decodedTokens: number };
  logits?: Float32Array[];
}

export interface VlmSessionOptions {
  /** The execution-provider setting: 'auto' tries the platform's order, a forced provider falls back to the CPU. The CPU when absent. */
  provider?: ProviderChoice;
  intraOpNumThreads?: number;
}

export class VlmSession {
  private constructor(
    readonly bundle: VlmBundle,
    readonly tokenizer: SentencePieceBpeTokenizer,
    private readonly vision: ort.InferenceSession,
    private readonly embed: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    /** The provider that opened all three graphs, and why the ones before it in the order did not. */
    readonly provider: ExecutionProviderName,
    readonly fallbacks: readonly ProviderFallback[],
  ) {}

  static async open(bundleDir: string, options: VlmSessionOptions = {}): Promise<VlmSession> {
    const bundle = loadVlmBundle(bundleDir);
    const g = bundle.generation;
    const tokenizer = SentencePieceBpeTokenizer.fromFile(path.join(bundleDir, g.tokenizer.file), g.tokenizer);
    const graphs = [g.graphs.vision, g.graphs.embed, g.graphs.decoder];
    const openAll = async (provider: ExecutionProviderName) => {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
      };
      const opened = await Promise.allSettled(graphs.map((file) => ort.InferenceSession.create(path.join(bundleDir, file), sessionOptions)));
      const failed = opened.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) {
        // Release what this provider did open before the next provider loads the graphs again.
        await Promise.all(opened.map((result) => (result.status === 'fulfilled' ? result.value.release() : undefined)));
        throw failed.reason;
      }
      return opened.map((result) => (result as PromiseFulfilledResult<ort.InferenceSession>).value) as [ort.InferenceSession, ort.InferenceSession, ort.InferenceSession];
    };
    const { sessions, provider, fallbacks } = await openOnFirstProvider(options.provider ?? 'cpu', openAll);
    const [vision, embed, decoder] = sessions;
    return new VlmSession(bundle, tokenizer, vision, embed, decoder, provider, fallbacks);
  }

  async close(): Promise<void> {
    await Promise.all([this.vision.release(), this.embed.release(), this.decoder.release()]);
  }

  /** The prompt's token ids, with IMAGE_PLACEHOLDER where the image features go. */
  promptIds(question: string, withImage: boolean): number[] {
    const p = this.bundle.generation.prompt;
    return tokenizeWithImage(buildPrompt(p, question, withImage), this.tokenizer, p.imageToken);
  }

  async encodeImage(image: PixelImage, roi?: Roi): Promise<Float32Array> {
    const s = this.bundle.generation.image;
    const pixels = clipPixelValues(toRgb(image, roi), s);
    const out = await this.vision.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, s.size, s.size]) });
    return out['image_features']!.data as Float32Array;
  }

  private async embedTokens(ids: readonly number[]): Promise<Float32Array> {
    const out = await this.embed.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]) });
    return out['inputs_embeds']!.data as Float32Array;
  }

  /** Text embeddings with the image features in place of the placeholder. */
  private async promptEmbeddings(ids: readonly number[], imageFeatures: Float32Array | undefined): Promise<{ embeds: Float32Array; length: number }> {
    const hidden = this.bundle.generation.decoder.hiddenSize;
    const imageTokens = imageFeatures ? imageFeatures.length / hidden : 0;
    const textIds = ids.filter((id) => id !== IMAGE_PLACEHOLDER);
    const text = textIds.length > 0 ? await this.embedTokens(textIds) : new Float32Array(0);
    const length = textIds.length + imageTokens * (ids.length - textIds.length);
    const embeds = new Float32Array(length * hidden);
    let row = 0;
    let textRow = 0;
    for (const id of ids) {
      if (id === IMAGE_PLACEHOLDER) {
        if (!imageFeatures) throw new Error('the prompt has an image token but no image was given');
        embeds.set(imageFeatures, row * hidden);
        row += imageTokens;
      } else {
        embeds.set(text.subarray(textRow * hidden, (textRow + 1) * hidden), row * hidden);
        row++;
        textRow++;
      }
    }
    return { embeds, length };
  }

  /** One decoder call at positions start… (= cache.length…); appends its keys and values to the cache. */
  private async step(embeds: Float32Array, length: number, cache: KvCache): Promise<Float32Array> {
    const d = this.bundle.generation.decoder;
    const positions = new BigInt64Array(length);
    for (let i = 0; i < length; i++) positions[i] = BigInt(cache.length + i);
    const out = await this.decoder.run({
      inputs_embeds: new ort.Tensor('float32', embeds, [1, length, d.hiddenSize]),
      position_ids: new ort.Tensor('int64', positions, [1, length]),
      ...cache.feeds(),
    });
    cache.append(out, length);
    return out['logits']!.data as Float32Array;
  }

  async ask(request: AskRequest): Promise<VlmAnswer> {
    const g = this.bundle.generation;
    const maxNew = request.maxNewTokens ?? g.defaults.maxNewTokens;
    const sampling = request.sampling ?? { kind: 'greedy' };
    const random = seededRandom(sampling.kind === 'top-p' ? sampling.seed : 0);
    const stops = new Set(g.stopTokenIds);

    const t0 = performance.now();
    const imageFeatures = request.image ? await this.encodeImage(request.image, request.roi) : undefined;
    const ids = this.promptIds(request.question, request.image !== undefined);
    const { embeds, length } = await this.promptEmbeddings(ids, imageFeatures);
    if (length >= g.decoder.maxPositions) throw new Error(`the prompt needs ${length} positions; the model has ${g.decoder.maxPositions}`);
    const t1 = performance.now();
    const d = g.decoder;
    const cache = new KvCache(d.layers, d.kvHeads, d.headDim, length + Math.min(maxNew, 256), d.maxPositions);
    let logits = await this.step(embeds, length, cache);
    const t2 = performance.now();

    const tokenIds: number[] = [];
    const chosenIds: number[] = [];
    const kept: Float32Array[] = [];
    let text = '';
    let stopReason: StopReason = 'max-tokens';
    let decodeCalls = 0;
    while (tokenIds.length < maxNew) {
      if (request.signal?.aborted) {
        stopReason = 'cancelled';
        break;
      }
      if (request.keepLogits) kept.push(logits.slice());
      const chosen = chooseToken(logits, sampling, random);
      const token = request.forcedTokens?.[tokenIds.length] ?? chosen;
      chosenIds.push(chosen);
      if (stops.has(token) && !request.ignoreStopTokens) {
        stopReason = 'stop-token';
        break;
      }
      tokenIds.push(token);
      const decoded = this.tokenizer.decode(tokenIds);
      // Hold back text while a UTF-8 character is split across byte tokens.
      const delta = decoded.endsWith('\uFFFD') ? '' : decoded.slice(text.length);
      if (delta) text = decoded;
      request.onToken?.({ index: tokenIds.length - 1, tokenId: token, text: delta });
      if (tokenIds.length >= maxNew) break;
      if (cache.length >= g.decoder.maxPositions) {
        stopReason = 'context-full';
        break;
      }
      logits = await this.step(await this.embedTokens([token]), 1, cache);
      decodeCalls++;
    }
    const t3 = performance.now();
    const decoded = this.tokenizer.decode(tokenIds);
    return {
      // Cut mid-character (cancel, token limit, full context): the answer ends at its last whole
      // character, as the streamed text does, not with a replacement character.
      text: decoded.endsWith('\uFFFD') ? text : decoded,
      tokenIds,
      chosenIds,
      stopReason,
      promptTokens: length,
      timings: { imageMs: t1 - t0, prefillMs: t2 - t1, decodeMs: t3 - t2, decodedTokens: decodeCalls },
      ...(request.keepLogits ? { logits: kept } : {}),
    };
  }
}
