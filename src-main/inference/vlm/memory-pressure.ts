import os from 'node:os';
import type { BundleManifest } from '../../../src-shared/inference/manifest';

/**
 * The memory rule between the two kinds of model: a vision-language bundle (HealthGPT) needs gigabytes, the compact
 * bundle's image and closed-question sessions a few megabytes each but possibly many of them. Before a VLM bundle is
 * opened, when the system's free memory is below what the bundle needs, the compact model's sessions are released
 * first (they reopen on their next use, in milliseconds); the VLM's own sessions are never given up for them.
 */

/** onnxruntime holds each graph's weights once, plus working memory (activations, the KV cache): a quarter more. */
const WORKING_SHARE = 0.25;
/** What the rest of the app and the OS keep needing while the model runs. */
const RESERVE_BYTES = 256 * 1024 * 1024;

export interface MemoryPressureConfig {
  /** Free system memory in bytes (os.freemem unless a caller supplies its own reading). */
  freeMemory?: () => number;
  /** Releases the compact model's open sessions; resolves to how many there were. */
  releaseImageSessions?: () => Promise<number>;
}

export interface MemoryRelief {
  bundleId: string;
  needBytes: number;
  freeBytes: number;
  /** Sessions released to make room; 0 when there was room, or nothing to release. */
  releasedSessions: number;
}

/** Bytes a bundle needs to run: its files (graphs and their external data), with working memory and a reserve. */
export function bundleMemoryNeed(manifest: BundleManifest): number {
  const fileBytes = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
  return Math.ceil(fileBytes * (1 + WORKING_SHARE)) + RESERVE_BYTES;
}

export async function makeRoomForBundle(manifest: BundleManifest, config: MemoryPressureConfig): Promise<MemoryRelief> {
  const needBytes = bundleMemoryNeed(manifest);
  const freeBytes = (config.freeMemory ?? os.freemem)();
  const releasedSessions = freeBytes < needBytes && config.releaseImageSessions ? await config.releaseImageSessions() : 0;
  return { bundleId: manifest.id, needBytes, freeBytes, releasedSessions };
}
