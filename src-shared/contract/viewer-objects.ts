import { z } from 'zod';
import { dicomUidSchema } from '../domain/studies';

/**
 * What the viewer shows for one stored object that is not (or not only) pixels: a
 * structured report as its content tree, a PDF, the references of a key object selection
 * or presentation state, or why nothing can be shown. Read in the main process from the file.
 */

/** One content item of an SR, flattened in document order; `depth` 0 is the root container. */
export const srLineSchema = z.object({
  depth: z.number().int().nonnegative(),
  /** "CONTAINS", "HAS OBS CONTEXT"…; empty for the root. */
  relationship: z.string(),
  valueType: z.string(),
  /** The concept name's Code Meaning, or empty. */
  concept: z.string(),
  /** The value as text (a number with its unit, a code's meaning, a date…); empty for containers. */
  value: z.string(),
});
export type SrLine = z.infer<typeof srLineSchema>;

export const objectReferenceSchema = z.object({
  seriesInstanceUid: dicomUidSchema,
  sopInstanceUids: z.array(dicomUidSchema),
});
export type ObjectReference = z.infer<typeof objectReferenceSchema>;

const common = { sopInstanceUid: dicomUidSchema, sopClassName: z.string() };

export const viewerObjectSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('structured-report'),
    ...common,
    completion: z.string(),
    verification: z.string(),
    contentDateTime: z.string(),
    /** True when the tree was longer than the lines sent. */
    truncated: z.boolean(),
    lines: z.array(srLineSchema).max(5000),
  }),
  z.object({
    kind: z.literal('document'),
    ...common,
    title: z.string(),
    mimeType: z.string(),
    /** The encapsulated document's bytes (without the pad byte), as base64. */
    base64: z.string(),
  }),
  z.object({
    kind: z.literal('references'),
    ...common,
    /** The KO's title (its concept name) or the PR's Content Label. */
    title: z.string(),
    /** The PR's Content Description and the KO's text items. */
    notes: z.array(z.string()),
    references: z.array(objectReferenceSchema),
  }),
  /** An image: `problem` says why it cannot be displayed (no pixel data, empty…), or is null. */
  z.object({ kind: z.literal('image'), ...common, problem: z.string().nullable() }),
  z.object({ kind: z.literal('not-shown'), ...common, reason: z.string() }),
]);
export type ViewerObject = z.infer<typeof viewerObjectSchema>;
