// Report Q&A: ask a vision-language model bundle about one instance. Joined into contract/index.ts;
// implemented by src-main/inference/vlm/vlm-service.ts.
import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { ownerOnly } from './roles';

const roiSchema = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

export const vlmSamplingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('greedy') }),
  z.object({ kind: z.literal('top-p'), topP: z.number().gt(0).max(1), temperature: z.number().positive(), seed: z.number().int() }),
]);

export const vlmAskRequestSchema = z.object({
  /** The model bundle and its vlm-generate task. */
  bundleId: z.string(),
  taskId: z.string().optional(),
  sopInstanceUid: z.string().min(1),
  frame: z.number().int().nonnegative().default(0),
  /** The window the user is looking at, in modality units; the bundle sees the slice as displayed. */
  window: z.object({ center: z.number(), width: z.number().positive() }).optional(),
  /** In image pixels; the whole slice when absent. */
  roi: roiSchema.optional(),
  question: z.string().trim().min(1).max(2000),
  maxNewTokens: z.number().int().positive().max(4096).optional(),
  sampling: vlmSamplingSchema.default({ kind: 'greedy' }),
});

export const vlmStopReasons = ['stop-token', 'max-tokens', 'cancelled', 'context-full', 'failed'] as const;

export const vlmTokenSchema = z.object({
  requestId: z.string(),
  index: z.number().int().nonnegative(),
  /** Text this token adds to the answer (empty while a multi-byte character is incomplete). */
  text: z.string(),
});

export const vlmFinishedSchema = z.object({
  requestId: z.string(),
  answer: z.string(),
  stopReason: z.enum(vlmStopReasons),
  generatedTokens: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  timings: z.object({ imageMs: z.number(), prefillMs: z.number(), decodeMs: z.number() }),
  /** Set when stopReason is 'failed'. */
  error: z.string().optional(),
  /** The execution provider that answered (after any fallback), once the model was open. */
  provider: z.string().optional(),
  /** Always true: the UI labels the answer as AI-generated, not for diagnosis. */
  aiGenerated: z.literal(true),
});

export const vlmCalls = {
  'vlm.ask': defineCall({
    roles: ownerOnly,
    summary: 'Ask a vision-language model about an instance; tokens stream as vlm.token events, the answer as vlm.finished',
    request: vlmAskRequestSchema,
    response: z.object({
      requestId: z.string(),
      /** What will answer, for the AI label: the bundle, its task and the execution provider. */
      bundleId: z.string(),
      bundleName: z.string(),
      bundleVersion: z.string(),
      taskId: z.string(),
      provider: z.string(),
    }),
  }),
  'vlm.cancel': defineCall({
    roles: ownerOnly,
    summary: 'Stop a running answer; vlm.finished follows with stopReason cancelled',
    request: z.object({ requestId: z.string() }),
    response: z.object({ cancelled: z.boolean() }),
  }),
} as const;

export const vlmEvents = {
  'vlm.token': defineEvent({ roles: ownerOnly, summary: 'One generated token of a running answer', payload: vlmTokenSchema }),
  'vlm.finished': defineEvent({ roles: ownerOnly, summary: 'An answer ended, with its text and why it stopped', payload: vlmFinishedSchema }),
} as const;
