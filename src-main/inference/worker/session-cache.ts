import os from 'node:os';
import * as ort from 'onnxruntime-node';
import type { ExecutionProviderName, ProviderChoice } from '../../../src-shared/contract/inference';
import { providerOrder } from '../providers';

export interface ProviderFallback {
  provider: ExecutionProviderName;
  reason: string;
}

export interface SessionCacheOptions {
  /** Most sessions kept open at once; the least recently used is released first. */
  maxSessions: number;
  /** Below this much free system memory, every session but the one in use is released. */
  lowMemoryBytes: number;
  /** Threads per session; undefined lets onnxruntime choose. */
  intraOpThreads?: number;
}

/** Free system memory in bytes; the OS's figure unless a caller supplies its own reading. */
export type FreeMemoryReading = () => number;

interface CachedSession {
  session: ort.InferenceSession;
  provider: ExecutionProviderName;
}

/** The readable part of an onnxruntime error: its first line, without the C++ source location and assertion. */
export function firstLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  return message.replace(/^\/\S+:\d+ .*? was false\.\s*/, '').slice(0, 300);
}

/**
 * Open onnxruntime sessions, one per graph and provider, with the provider fallback:
 * a provider that fails to create a session (no GPU adapter, library missing) is
 * remembered for that graph and the next one in the order is tried.
 */
export class SessionCache {
  /** Insertion order is recency order: a hit is deleted and re-inserted. */
  private readonly sessions = new Map<string, CachedSession>();
  private readonly failures = new Map<string, string>();

  constructor(
    private readonly options: SessionCacheOptions,
    private readonly freeMemory: FreeMemoryReading = os.freemem,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Marks a provider as failed for a graph after a run error, so the next call falls back. */
  async markFailed(graphPath: string, provider: ExecutionProviderName, reason: string): Promise<void> {
    const key = `${graphPath}|${provider}`;
    this.failures.set(key, reason);
    const cached = this.sessions.get(key);
    this.sessions.delete(key);
    await cached?.session.release();
  }

  async acquire(graphPath: string, choice: ProviderChoice): Promise<CachedSession & { fallbacks: ProviderFallback[] }> {
    const fallbacks: ProviderFallback[] = [];
    for (const provider of providerOrder(choice)) {
      const key = `${graphPath}|${provider}`;
      const failure = this.failures.get(key);
      if (failure !== undefined) {
        fallbacks.push({ provider, reason: failure });
        continue;
      }
      const cached = this.sessions.get(key);
      if (cached) {
        this.sessions.delete(key);
        this.sessions.set(key, cached);
        // Memory may have run short since the session opened (a big series job, another app): check on every use.
        await this.relieveMemory(key);
        return { ...cached, fallbacks };
      }
      try {
        const session = await ort.InferenceSession.create(graphPath, {
          executionProviders: [provider],
          graphOptimizationLevel: 'all',
          ...(this.options.intraOpThreads !== undefined ? { intraOpNumThreads: this.options.intraOpThreads } : {}),
        });
        const entry = { session, provider };
        this.sessions.set(key, entry);
        await this.relieveMemory(key);
        return { ...entry, fallbacks };
      } catch (error) {
        const reason = firstLine(error);
        this.failures.set(key, reason);
        fallbacks.push({ provider, reason });
      }
    }
    throw new Error(`no execution provider could open ${graphPath}: ${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`);
  }

  private async relieveMemory(keep: string): Promise<void> {
    const lowMemory = this.freeMemory() < this.options.lowMemoryBytes;
    for (const [key, cached] of this.sessions) {
      if (key === keep) continue;
      if (!lowMemory && this.sessions.size <= this.options.maxSessions) break;
      this.sessions.delete(key);
      await cached.session.release();
    }
  }

  /** Releases every open session; returns how many there were. */
  async releaseAll(): Promise<number> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const cached of all) await cached.session.release();
    return all.length;
  }
}
