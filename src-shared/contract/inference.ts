// Joined into contract/index.ts; implemented by src-main/inference/inference-service.ts.
import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { anyRole, ownerOnly, ownerOrTeacher } from './roles';
import { dicomUidSchema } from '../domain/studies';
import { taskKinds } from '../inference/manifest';

/** Execution providers a user may ask for; 'auto' tries them in the platform's order. */
export const providerChoices = ['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'] as const;
export type ProviderChoice = (typeof providerChoices)[number];
export const executionProviders = ['cpu', 'webgpu', 'cuda', 'dml', 'coreml'] as const;
export type ExecutionProviderName = (typeof executionProviders)[number];

export const bundleOrigins = ['shipped', 'user', 'extra'] as const;

export const taskSummarySchema = z.object({
  id: z.string(),
  label: z.string(),
  kind: z.enum(taskKinds),
  modalities: z.array(z.string()),
  /** True when this runtime can run it now: the bundle is valid, the task available and its kind supported. */
  runnable: z.boolean(),
  /** Why it cannot run, in words, when runnable is false. */
  reason: z.string().optional(),
});
export type TaskSummary = z.infer<typeof taskSummarySchema>;

export const bundleSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  license: z.string(),
  // No folder: a bundle's place on the host's disk is not a browser's business (a classroom's students read this list).
  origin: z.enum(bundleOrigins),
  valid: z.boolean(),
  /** Every reason the bundle is refused: schema errors, missing or altered files, shadowing. */
  problems: z.array(z.string()),
  tasks: z.array(taskSummarySchema),
});
export type BundleSummary = z.infer<typeof bundleSummarySchema>;

/** A provider that was tried and failed before the one that ran. */
export const providerFallbackSchema = z.object({ provider: z.enum(executionProviders), reason: z.string() });

export const inferenceTimingsSchema = z.object({
  readMs: z.number().nonnegative(),
  preprocessMs: z.number().nonnegative(),
  inferenceMs: z.number().nonnegative(),
  postprocessMs: z.number().nonnegative(),
});
export type InferenceTimings = z.infer<typeof inferenceTimingsSchema>;

/**
 * One output image. `pixels` is base64 of little-endian float32 values in modality units
 * (Hounsfield units for CT), row-major; decode it with decodePreviewPixels(). Base64 keeps
 * the same message valid over Electron IPC and the web host's JSON socket.
 */
export const previewImageSchema = z.object({
  rows: z.number().int().positive(),
  columns: z.number().int().positive(),
  /** Row and column spacing in mm after scaling, or null when the source had none. */
  pixelSpacing: z.tuple([z.number(), z.number()]).nullable(),
  pixels: z.string(),
});

/** How the input compares with what the task was trained on (the bundle's trainedOn), shown with the result. */
export const inputDomainSchema = z.object({
  /** Each way the input is unlike the training data, in plain words; empty when it is alike. */
  warnings: z.array(z.string()),
  /** Why bicubic upsampling is shown instead: the model is measured to lose to it on this kind of input. */
  bicubicPreferred: z.string().nullable(),
});
export type InputDomain = z.infer<typeof inputDomainSchema>;

export const taskSelectionSchema = z.object({
  taskId: z.string().min(1).max(100),
  /** Which bundle provides the task; the first valid one that has it when left out. */
  bundleId: z.string().max(100).optional(),
  provider: z.enum(providerChoices).default('auto'),
});

/** One image of a series: an instance, and one of its frames (0-based) or all of them when left out. */
export const seriesImageSchema = z.object({
  sopInstanceUid: dicomUidSchema,
  frame: z.number().int().nonnegative().optional(),
});
export type SeriesImage = z.infer<typeof seriesImageSchema>;

/**
 * A rectangle of source pixels: x and y are the 0-based column and row of its top-left
 * pixel. The derived image covers exactly these pixels, scaled, with geometry to match.
 */
export const pixelRegionSchema = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive().max(65_535),
  height: z.number().int().positive().max(65_535),
});
export type PixelRegionRequest = z.infer<typeof pixelRegionSchema>;

export const inferenceResultSchema = z.object({
  taskId: z.string(),
  bundleId: z.string(),
  bundleVersion: z.string(),
  /** The provider that actually ran the last slice. */
  provider: z.enum(executionProviders),
  fallbacks: z.array(providerFallbackSchema),
  seconds: z.number().nonnegative(),
  seriesInstanceUid: dicomUidSchema,
  /** The derived DICOM files written, in slice order. */
  outputs: z.array(z.string()),
});
export type InferenceResult = z.infer<typeof inferenceResultSchema>;

/**
 * The image as the reader sees it: 8-bit grayscale after the window, row-major, base64.
 * Closed VQA models are trained on displayed images, not on raw modality values.
 */
export const displayedImageSchema = z.object({
  width: z.number().int().min(1).max(4096),
  height: z.number().int().min(1).max(4096),
  pixelsBase64: z.string().max(24_000_000),
});

export const closedQuestionRequestSchema = z.object({
  taskId: z.string().min(1).max(100).default('vqa-closed'),
  bundleId: z.string().max(100).optional(),
  provider: z.enum(providerChoices).default('auto'),
  question: z.string().trim().min(1).max(500),
  image: displayedImageSchema,
});

export const closedAnswerSchema = z.object({
  answer: z.string(),
  /** Softmax probability of the answer, 0–1. */
  confidence: z.number().min(0).max(1),
  /** Below the model's threshold: the model declines to answer, and the UI says so. */
  abstained: z.boolean(),
  alternatives: z.array(z.object({ answer: z.string(), probability: z.number() })),
  /** Question words the model never saw in training. */
  unknownWords: z.array(z.string()),
  /** The question's calibrated type and its threshold (null: this model does not answer that type). */
  questionType: z.object({ id: z.string(), label: z.string(), threshold: z.number().nullable() }).nullable(),
  /** The image's distance from the model's training images, and the limit above which it abstains. */
  outOfDistribution: z.object({ distance: z.number(), threshold: z.number() }).nullable(),
  /** Why the model abstains, in plain words; null when it answers. */
  abstainReason: z.string().nullable(),
  /** The question's type needs the full model: the compact model is not calibrated to answer it. */
  needsFullModel: z.boolean(),
  taskId: z.string(),
  bundleId: z.string(),
  bundleName: z.string(),
  bundleVersion: z.string(),
  provider: z.enum(executionProviders),
  fallbacks: z.array(providerFallbackSchema),
  inferenceMs: z.number().nonnegative(),
});
export type ClosedAnswer = z.infer<typeof closedAnswerSchema>;

export const inferenceCalls = {
  'inference.listModels': defineCall({
    roles: anyRole,
    summary: 'Model bundles, their tasks and whether each can run (with the reasons when not)',
    request: z.object({}),
    response: z.object({ bundles: z.array(bundleSummarySchema), providers: z.array(z.enum(executionProviders)) }),
  }),
  'inference.preview': defineCall({
    roles: anyRole,
    summary: 'Run a task on one frame of one cached instance; nothing is saved',
    request: taskSelectionSchema.extend({ sopInstanceUid: dicomUidSchema, frame: z.number().int().nonnegative().default(0) }),
    response: z.object({
      taskId: z.string(),
      bundleId: z.string(),
      provider: z.enum(executionProviders),
      fallbacks: z.array(providerFallbackSchema),
      timings: inferenceTimingsSchema,
      image: previewImageSchema,
      domain: inputDomainSchema,
    }),
  }),
  'inference.warmUp': defineCall({
    roles: anyRole,
    summary: "Open a task's model session ahead of use (when the AI panel opens), so the first slice is not slowed by loading",
    request: taskSelectionSchema,
    response: z.object({ provider: z.enum(executionProviders), fallbacks: z.array(providerFallbackSchema) }),
  }),
  'inference.run': defineCall({
    roles: ownerOnly,
    summary: 'Start a task on a cached series (every slice, or chosen ones, optionally a region of each); progress and the result come as events',
    request: taskSelectionSchema.extend({
      seriesInstanceUid: dicomUidSchema,
      timeoutSeconds: z.number().positive().max(24 * 3600).optional(),
      /** Only these images of the series, in slice order; every image when left out. */
      instances: z.array(seriesImageSchema).min(1).max(10_000).optional(),
      /** Only this region of each image (source pixels); the whole image when left out. */
      region: pixelRegionSchema.optional(),
    }),
    response: z.object({ jobId: z.string() }),
  }),
  'inference.cancel': defineCall({
    roles: ownerOnly,
    summary: 'Cancel a queued or running job; no derived series is left behind',
    request: z.object({ jobId: z.string() }),
    response: z.object({ cancelled: z.boolean() }),
  }),
  'inference.askClosed': defineCall({
    roles: ownerOrTeacher,
    summary: 'Answer a closed question (yes/no, modality, plane, organ…) about an image as displayed, with a confidence',
    request: closedQuestionRequestSchema,
    response: closedAnswerSchema,
  }),
} as const;

export const inferenceEvents = {
  'inference.progress': defineEvent({
    roles: ownerOnly,
    summary: 'Slices done of total for a running job',
    payload: z.object({
      jobId: z.string(),
      taskId: z.string(),
      slicesDone: z.number().int().nonnegative(),
      slicesTotal: z.number().int().nonnegative(),
      provider: z.enum(executionProviders).nullable(),
    }),
  }),
  'inference.finished': defineEvent({
    roles: ownerOnly,
    summary: 'A job ended: its result, or why it was cancelled or failed',
    payload: z.object({
      jobId: z.string(),
      status: z.enum(['completed', 'cancelled', 'failed']),
      result: inferenceResultSchema.optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  }),
} as const;

/** The preview's pixels as a Float32Array (see previewImageSchema). */
export function decodePreviewPixels(base64: string): Float32Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const values = new Float32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i += 1) values[i] = view.getFloat32(i * 4, true);
  return values;
}
