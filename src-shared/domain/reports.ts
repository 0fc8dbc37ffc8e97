import { z } from 'zod';
import { dicomUidSchema } from './studies';

export const reportSections = ['findings', 'impression'] as const;
export type ReportSection = (typeof reportSections)[number];

/** Where an answer came from: a model (AI-generated) or the study's own DICOM data. */
export const answerSources = ['model', 'metadata'] as const;

/** The image an answer was about, exactly as it was on screen. */
export const imageReferenceSchema = z.object({
  sopInstanceUid: dicomUidSchema,
  frame: z.number().int().nonnegative().default(0),
  roi: z.object({ x: z.number(), y: z.number(), width: z.number().positive(), height: z.number().positive() }).nullable().default(null),
  windowCenter: z.number().nullable().default(null),
  windowWidth: z.number().positive().nullable().default(null),
});
export type ImageReference = z.infer<typeof imageReferenceSchema>;

export const modelProvenanceSchema = z.object({
  bundleId: z.string(),
  name: z.string(),
  version: z.string(),
  /** Execution provider that ran it (cpu, webgpu, cuda…). */
  provider: z.string(),
});

/** One question and its answer, added to the report with everything needed to trace it. */
export const reportEntrySchema = z.object({
  id: z.string().min(1).max(64),
  addedAt: z.string(),
  section: z.enum(reportSections),
  question: z.string().max(2000),
  answer: z.string().max(20_000),
  /** Softmax probability for model answers; null for metadata answers. */
  confidence: z.number().min(0).max(1).nullable(),
  source: z.enum(answerSources),
  model: modelProvenanceSchema.nullable(),
  image: imageReferenceSchema,
});
export type ReportEntry = z.infer<typeof reportEntrySchema>;

export const reportDraftSchema = z.object({
  studyInstanceUid: dicomUidSchema,
  templateId: z.string(),
  findings: z.string().max(200_000),
  impression: z.string().max(200_000),
  entries: z.array(reportEntrySchema).max(1000),
  /** Increases with every save; a save based on an older revision is refused, never merged silently. */
  revision: z.number().int().nonnegative(),
  updatedAt: z.string(),
});
export type ReportDraft = z.infer<typeof reportDraftSchema>;

export const metadataAnswerSchema = z.discriminatedUnion('answered', [
  z.object({
    answered: z.literal(true),
    answer: z.string(),
    /** The DICOM attributes or cache fields the answer was read from, for the provenance line. */
    basis: z.array(z.string()),
  }),
  z.object({ answered: z.literal(false) }),
]);
export type MetadataAnswer = z.infer<typeof metadataAnswerSchema>;
