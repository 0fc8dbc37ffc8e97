import { z } from 'zod';

/**
 * The manifest.json of a model bundle (models/<bundle-id>/). Validated on load; a
 * bundle that does not match is listed as invalid with the reason and never run.
 * `bundleManifestJsonSchema()` gives the same rules as JSON Schema for other tools.
 */

export const taskKinds = ['image-to-image', 'vqa-closed', 'vlm-generate'] as const;
export type TaskKind = (typeof taskKinds)[number];

const tensorSpecSchema = z.object({
  name: z.string(),
  dataType: z.enum(['float32', 'float16', 'int64', 'int32', 'uint8', 'int8', 'bool']),
  /** Numbers are fixed sizes; strings name a dynamic axis ("batch", "height"). */
  shape: z.array(z.union([z.number().int().positive(), z.string()])),
});
export type TensorSpec = z.infer<typeof tensorSpecSchema>;

/** How stored pixel values become the model's input range. */
export const normalizationSchema = z.discriminatedUnion('kind', [
  /** CT: clip modality values (HU) to a window, scale to [0, 1]. */
  z.object({ kind: z.literal('hu-window'), center: z.number(), width: z.number().positive() }),
  /** MR: clip to per-image percentiles, scale to [0, 1]; the inverse uses the same percentiles. */
  z.object({ kind: z.literal('percentile'), lowPercentile: z.number().min(0).max(100), highPercentile: z.number().min(0).max(100) }),
  /** value * scale + offset, for already-normalised inputs such as 8-bit images. */
  z.object({ kind: z.literal('fixed-scale'), scale: z.number(), offset: z.number() }),
]);
export type Normalization = z.infer<typeof normalizationSchema>;

export const preprocessingSchema = z.object({
  /** Apply Rescale Slope/Intercept first, so normalisation works in modality units. */
  modalityLut: z.boolean(),
  normalization: normalizationSchema,
  /** 'native' runs the whole image; 'tile' runs overlapping tiles blended back together; 'resize' fits a fixed input. */
  size: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('native'), multipleOf: z.number().int().positive().default(1) }),
    z.object({ kind: z.literal('tile'), tile: z.number().int().positive(), overlap: z.number().int().nonnegative() }),
    z.object({ kind: z.literal('resize'), width: z.number().int().positive(), height: z.number().int().positive() }),
  ]),
  channels: z.union([z.literal(1), z.literal(3)]),
});

export const postprocessingSchema = z.object({
  /** 'normalization' maps the output back to stored values through the inverse of the input normalisation. */
  inverse: z.enum(['normalization', 'none']),
  /** Output pixels per input pixel along each axis (2 for ×2 super-resolution); pixel spacing is divided by it. */
  scale: z.number().positive().default(1),
  /** The modality the output is written as (MR for T1→T2, CT for MR→CT). Defaults to the input's. */
  outputModality: z.string().optional(),
});

const taskBaseSchema = z.object({
  /** Stable identifier, as the CLI's --task takes it: superres-x4, mr-t1-to-t2, vqa-closed… */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  label: z.string(),
  /**
   * Graph files (paths listed in `files`) this task runs. At least one when the task is
   * available; empty is allowed for a 'needs-model' task, which ships no graph.
   */
  graphs: z.array(z.string()),
  inputs: z.array(tensorSpecSchema).min(1),
  outputs: z.array(tensorSpecSchema).min(1),
  accepts: z.object({
    modalities: z.array(z.string()).min(1),
    /** For MR contrast tasks: the source contrast the model was trained on. */
    contrast: z.string().optional(),
  }),
  /**
   * 'needs-model' declares a task the pipeline supports but this bundle cannot run
   * (CT↔MR without paired training data): the UI shows it disabled with `reason`.
   */
  availability: z
    .discriminatedUnion('status', [z.object({ status: z.literal('available') }), z.object({ status: z.literal('needs-model'), reason: z.string() })])
    .default({ status: 'available' }),
});

const rangeSchema = z.tuple([z.number().nonnegative(), z.number().nonnegative()]);
export const inputKinds = ['ct', 'mr-with-skull', 'mr-skull-stripped'] as const;

/**
 * What an image task was trained on, so an input unlike it gets a visible warning with the reason
 * (src-main/inference/input-domain.ts), and the kinds of input on which it is measured to lose to bicubic.
 */
export const trainingDomainSchema = z.object({
  /** In words, for the warning: "skull-stripped 1 mm BraTS-style brain MRI". */
  description: z.string(),
  modalities: z.array(z.string()).min(1),
  /** MR weightings of the inputs it learned from (T1, T2, FLAIR); any when left out. */
  weightings: z.array(z.string()).optional(),
  /** False: it learned from pre-contrast inputs only. */
  postContrast: z.boolean().optional(),
  /** True: it learned from skull-stripped MR only. */
  skullStrippedOnly: z.boolean().optional(),
  sliceThicknessMm: rangeSchema.optional(),
  pixelSpacingMm: rangeSchema.optional(),
  /** Rows and columns. */
  matrix: rangeSchema.optional(),
  fieldOfViewMm: rangeSchema.optional(),
  /** Input kinds on which the task's output is measured to be worse than bicubic upsampling, with the figures. */
  losesToBicubicOn: z.array(z.object({ kind: z.enum(inputKinds), reason: z.string() })).optional(),
});
export type TrainingDomain = z.infer<typeof trainingDomainSchema>;

export const imageToImageTaskSchema = taskBaseSchema.extend({
  kind: z.literal('image-to-image'),
  preprocessing: preprocessingSchema,
  postprocessing: postprocessingSchema,
  trainedOn: trainingDomainSchema.optional(),
});

export const vqaClosedTaskSchema = taskBaseSchema.extend({
  kind: z.literal('vqa-closed'),
  preprocessing: preprocessingSchema,
  vqa: z.object({
    /** JSON file in the bundle: the closed answer vocabulary, index-aligned with the output logits. */
    answersFile: z.string(),
    /** JSON file in the bundle: the question tokenizer's vocabulary and settings. */
    questionVocabularyFile: z.string(),
    maxQuestionTokens: z.number().int().positive(),
    /** Below this softmax probability the model abstains and says so. */
    abstainBelow: z.number().min(0).max(1),
    /**
     * JSON file in the bundle: per-question-type thresholds chosen on a validation split and an
     * out-of-distribution score (src-main/inference/vqa/calibration.ts); abstainBelow applies without it.
     */
    calibrationFile: z.string().optional(),
  }),
});

/**
 * How an autoregressive vision-language bundle runs (HealthGPT and models shaped like it): three
 * graphs (vision encoder, token embedding, decoder with a KV cache), the local tokenizer and its
 * settings, the chat template, the image preprocessing and the decoding defaults.
 */
export const vlmGenerationSchema = z.object({
  family: z.literal('healthgpt-phi3'),
  graphs: z.object({ vision: z.string(), embed: z.string(), decoder: z.string() }),
  tokenizer: z.object({
    /** A Hugging Face tokenizer.json (BPE with byte fallback) inside the bundle. */
    file: z.string(),
    addBosToken: z.boolean(),
    bosToken: z.string(),
    unkToken: z.string(),
    legacy: z.boolean(),
    /** The named special tokens (bos, eos, unk, pad…); added tokens from `specialIdsFrom` on are special too. */
    specialTokens: z.array(z.string()),
    specialIdsFrom: z.number().int().nonnegative(),
  }),
  /** A chat template in the MPT separator style: system + sep + user role + message + sep + assistant role. */
  prompt: z.object({
    template: z.string(),
    system: z.string(),
    userRole: z.string(),
    assistantRole: z.string(),
    separator: z.string(),
    imageToken: z.string(),
  }),
  image: z.object({
    size: z.number().int().positive(),
    mean: z.array(z.number()).length(3),
    std: z.array(z.number().positive()).length(3),
    padToSquare: z.boolean(),
    resample: z.literal('bicubic'),
    /** Image features the vision encoder returns, spliced in place of the image token. */
    tokens: z.number().int().positive(),
  }),
  decoder: z.object({
    layers: z.number().int().positive(),
    kvHeads: z.number().int().positive(),
    headDim: z.number().int().positive(),
    hiddenSize: z.number().int().positive(),
    vocabSize: z.number().int().positive(),
    maxPositions: z.number().int().positive(),
    precision: z.enum(['fp32', 'int4']),
  }),
  stopTokenIds: z.array(z.number().int().nonnegative()).min(1),
  defaults: z.object({
    maxNewTokens: z.number().int().positive(),
    sampling: z.enum(['greedy', 'top-p']),
    temperature: z.number().positive(),
    topP: z.number().gt(0).max(1),
  }),
});
export type VlmGeneration = z.infer<typeof vlmGenerationSchema>;

export const vlmGenerateTaskSchema = taskBaseSchema.extend({
  kind: z.literal('vlm-generate'),
  generation: vlmGenerationSchema,
});
export type VlmGenerateTask = z.infer<typeof vlmGenerateTaskSchema>;

export const bundleTaskSchema = z.discriminatedUnion('kind', [imageToImageTaskSchema, vqaClosedTaskSchema, vlmGenerateTaskSchema]);
export type BundleTask = z.infer<typeof bundleTaskSchema>;
export type ImageToImageTask = z.infer<typeof imageToImageTaskSchema>;
export type VqaClosedTask = z.infer<typeof vqaClosedTaskSchema>;

export const bundleFileSchema = z.object({
  path: z.string().refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'file paths stay inside the bundle'),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const bundleManifestSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string(),
  version: z.string(),
  license: z.string(),
  provenance: z.object({
    trainingData: z.array(z.string()),
    codeRevision: z.string(),
    date: z.string(),
    /** Where it was trained (a CPU model, a GPU), so figures can be reproduced. */
    hardware: z.string().optional(),
  }),
  tasks: z.array(bundleTaskSchema),
  files: z.array(bundleFileSchema).min(1),
}).superRefine((manifest, ctx) => {
  const listed = new Set(manifest.files.map((f) => f.path));
  manifest.tasks.forEach((task, i) => {
    if (task.availability.status === 'available' && task.graphs.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['tasks', i, 'graphs'], message: 'an available task needs at least one graph' });
    }
    for (const graph of task.graphs) {
      if (!listed.has(graph)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'graphs'], message: `graph ${graph} is not listed in files` });
    }
  });
});
export type BundleManifest = z.infer<typeof bundleManifestSchema>;

export function bundleManifestJsonSchema(): unknown {
  return z.toJSONSchema(bundleManifestSchema, { io: 'input' });
}
