import type { ExecutionProviderName, InferenceTimings, ProviderChoice } from '../../../src-shared/contract/inference';
import type { ImageToImageTask } from '../../../src-shared/inference/manifest';
import type { ProviderFallback } from './session-cache';

/** Messages between the main thread and the inference worker. Everything here is structured-cloneable. */

export interface BundleRef {
  id: string;
  version: string;
  dir: string;
}

export interface DerivedOutputSpec {
  outputPath: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  seriesNumber: number;
  instanceNumber: number;
}

export interface SliceRequest {
  kind: 'slice';
  id: number;
  bundle: BundleRef;
  task: ImageToImageTask;
  provider: ProviderChoice;
  source: { filePath: string; frame: number };
  /** Write a derived DICOM instance for this slice. */
  derived?: DerivedOutputSpec;
  /** Send the output pixels back (a preview); series jobs leave this off to save copies. */
  returnPixels: boolean;
  /** Shared flag (Int32Array over a SharedArrayBuffer): non-zero means stop before the next tile. */
  cancelFlag?: Int32Array;
}

export interface WarmUpRequest {
  kind: 'warm-up';
  id: number;
  bundle: BundleRef;
  task: ImageToImageTask;
  provider: ProviderChoice;
}

export interface ReleaseRequest {
  kind: 'release';
  id: number;
}

export type WorkerRequest = SliceRequest | WarmUpRequest | ReleaseRequest;

export interface SliceResult {
  provider: ExecutionProviderName;
  fallbacks: ProviderFallback[];
  timings: InferenceTimings;
  rows: number;
  columns: number;
  pixelSpacing: [number, number] | null;
  /** Output in modality units, when returnPixels was set. */
  pixels?: Float32Array;
  sourceSopInstanceUid: string;
}

export interface WarmUpResult {
  provider: ExecutionProviderName;
  fallbacks: ProviderFallback[];
}

export type WorkerErrorCode = 'cancelled' | 'invalid-input' | 'model-error' | 'internal';

export type WorkerReply =
  | { kind: 'reply'; id: number; ok: true; value: SliceResult | WarmUpResult | null }
  | { kind: 'reply'; id: number; ok: false; error: { code: WorkerErrorCode; message: string } };
