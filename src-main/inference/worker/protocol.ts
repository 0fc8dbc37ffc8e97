import type { ExecutionProviderName, InferenceTimings, ProviderChoice } from '../../../src-shared/contract/inference';
import type { ImageToImageTask, VqaClosedTask } from '../../../src-shared/inference/manifest';
import type { RpcMethod } from '../../platform/worker-rpc/protocol';
import type { ProviderFallback } from './session-cache';

/** The inference worker's methods and what they carry. Everything here is structured-cloneable. */

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
  bundle: BundleRef;
  task: ImageToImageTask;
  provider: ProviderChoice;
  source: { filePath: string; frame: number };
  /** Only this rectangle of source pixels; the output and its geometry cover just it. */
  region?: { x: number; y: number; width: number; height: number };
  /** Write a derived DICOM instance for this slice. */
  derived?: DerivedOutputSpec;
  /** Send the output pixels back (a preview); series jobs leave this off to save copies. */
  returnPixels: boolean;
  /** Shared flag (Int32Array over a SharedArrayBuffer): non-zero means stop before the next tile. */
  cancelFlag?: Int32Array;
}

export interface WarmUpRequest {
  bundle: BundleRef;
  task: ImageToImageTask;
  provider: ProviderChoice;
}

/** A closed question about an 8-bit grayscale image as the reader saw it (windowed). */
export interface VqaRequest {
  bundle: BundleRef;
  task: VqaClosedTask;
  provider: ProviderChoice;
  image: { width: number; height: number; pixels: Uint8Array };
  question: string;
}

export interface VqaResult {
  provider: ExecutionProviderName;
  fallbacks: ProviderFallback[];
  answer: string;
  /** Softmax probability of the answer. */
  confidence: number;
  /** True when the confidence is below the task's threshold: the answer is shown as a guess, if at all. */
  abstained: boolean;
  /** The most likely answers, best first, for the reader to weigh. */
  alternatives: { answer: string; probability: number }[];
  /** Question words the model never saw in training. */
  unknownWords: string[];
  inferenceMs: number;
  /** The question's calibrated type, when the bundle has a calibration file. */
  questionType: { id: string; label: string; threshold: number | null } | null;
  /** How far the image is from the training images, and the limit, when the bundle measures it. */
  outOfDistribution: { distance: number; threshold: number } | null;
  /** Why the model abstains, in plain words; null when it answers. */
  abstainReason: string | null;
  /** The question's type is one this model is not calibrated to answer. */
  needsFullModel: boolean;
}

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

export const workerErrorCodes = ['cancelled', 'invalid-input', 'model-error', 'internal'] as const;
export type WorkerErrorCode = (typeof workerErrorCodes)[number];

/** Handled one at a time, in order: a series job's slices interleave with previews, never overlap them. */
export interface InferenceMethods {
  slice: RpcMethod<SliceRequest, SliceResult>;
  'warm-up': RpcMethod<WarmUpRequest, WarmUpResult>;
  vqa: RpcMethod<VqaRequest, VqaResult>;
  /** Releases every open session; answers how many were open. */
  release: RpcMethod<Record<string, never>, { released: number }>;
}
