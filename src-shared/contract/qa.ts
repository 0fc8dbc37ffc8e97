// Joined into contract/index.ts; implemented by src-main/inference/qa/qa-service.ts.
import { z } from 'zod';
import { defineCall } from './define';
import { anyRole } from './roles';
import { dicomUidSchema } from '../domain/studies';
import { displayedImageSchema, executionProviders, pixelRegionSchema } from './inference';

export const answerSources = ['header', 'model', 'none'] as const;

/**
 * One answer to a question about an image, from the single route both the Report Q&A panel and
 * `radstation qa` use: the DICOM header's recorded facts first, then the compact model within its
 * calibrated limits, else no answer with the reason (the full model, or the model's abstention).
 */
export const qaAnswerSchema = z.object({
  question: z.string(),
  /** The answer's text; null when nothing answered (source 'none'). */
  answer: z.string().nullable(),
  source: z.enum(answerSources),
  /** The model's probability for its answer; null for header answers and when no model ran. */
  confidence: z.number().min(0).max(1).nullable(),
  /** True when the compact model ran but its answer is not offered. */
  abstained: z.boolean(),
  /** In plain words: which header attributes, why the model abstained, or why the question needs the full model. */
  reason: z.string().nullable(),
  /** The DICOM attributes (or cache fields) a header answer was read from; empty otherwise. */
  attributes: z.array(z.string()),
  /** Which step took the question: the header, the closed-question model, or the open (full-model) path. */
  route: z.enum(['metadata', 'closed', 'open']),
  /** No installed compact model may answer it: a HealthGPT bundle (or a person) has to. */
  needsFullModel: z.boolean(),
  /** The calibrated question type the model judged it as (modality, plane, mass…), when a model was consulted. */
  questionType: z.string().nullable(),
  outOfDistribution: z.object({ distance: z.number(), threshold: z.number() }).nullable(),
  model: z.object({ bundleId: z.string(), name: z.string(), version: z.string(), provider: z.enum(executionProviders) }).nullable(),
  /** The window applied to make the 8-bit image the model saw, when a DICOM slice was windowed here. */
  window: z.object({ center: z.number(), width: z.number() }).nullable(),
});
export type QaAnswer = z.infer<typeof qaAnswerSchema>;

export const qaCalls = {
  'qa.ask': defineCall({
    roles: anyRole,
    summary: "Answer a question about a cached image: header facts first, then the compact model within its calibrated limits, else the reason it needs the full model",
    request: z.object({
      sopInstanceUid: dicomUidSchema,
      frame: z.number().int().nonnegative().default(0),
      question: z.string().trim().min(1).max(2000),
      /** The viewport's window; the file's own (or its full range) when left out. */
      window: z.object({ center: z.number(), width: z.number().positive() }).optional(),
      /** Only this region of the image is shown to the model. */
      roi: pixelRegionSchema.optional(),
      /** The image as the viewer displays it (8-bit, windowed, cropped); made from the file here when left out. */
      image: displayedImageSchema.optional(),
    }),
    response: qaAnswerSchema,
  }),
} as const;
