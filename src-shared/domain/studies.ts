import { z } from 'zod';

/**
 * DICOM UIDs are at most 64 characters of digits and dots (PS3.5 §9.1). Using them as
 * the cache's identifiers means a file route can refuse anything else outright, which
 * rules out path traversal before any lookup.
 */
export const dicomUidSchema = z.string().regex(/^[0-9]+(\.[0-9]+)*$/, 'not a DICOM UID').max(64);
export type DicomUid = z.infer<typeof dicomUidSchema>;

/** DICOM dates stay as YYYYMMDD strings: partial and missing dates are common and meaningful. */
export const dicomDateSchema = z.string().regex(/^\d{8}$/, 'expected YYYYMMDD');

/** Who the study is of, and when and what it was: the header fields every view of a study shows, declared once. */
export const patientStudyHeaderSchema = z.object({
  studyInstanceUid: dicomUidSchema,
  patientName: z.string(),
  patientId: z.string(),
  patientBirthDate: z.string(),
  patientSex: z.string(),
  studyDate: z.string(),
  studyTime: z.string(),
  accessionNumber: z.string(),
  studyDescription: z.string(),
});
export type PatientStudyHeader = z.infer<typeof patientStudyHeaderSchema>;

export const studySummarySchema = patientStudyHeaderSchema.extend({
  referringPhysicianName: z.string(),
  modalities: z.array(z.string()),
  seriesCount: z.number().int(),
  instanceCount: z.number().int(),
  importedAt: z.string(),
  /** Put into the cache by Radstation's de-identification (PS3.15 profile); absent from older hosts. */
  deidentified: z.boolean().optional(),
});
export type StudySummary = z.infer<typeof studySummarySchema>;

export const studySortKeys = ['studyDate', 'patientName', 'patientId', 'modalities', 'studyDescription', 'importedAt'] as const;

export const studyQuerySchema = z.object({
  text: z.string().max(200).optional(),
  modality: z.string().max(16).optional(),
  from: dicomDateSchema.optional(),
  to: dicomDateSchema.optional(),
  /** true: only studies Radstation de-identified; false: only the others; absent: all. */
  deidentified: z.boolean().optional(),
  sortBy: z.enum(studySortKeys).default('studyDate'),
  sortDirection: z.enum(['asc', 'desc']).default('desc'),
  limit: z.number().int().min(1).max(10_000).default(500),
});
export type StudyQuery = z.input<typeof studyQuerySchema>;

export const seriesSummarySchema = z.object({
  seriesInstanceUid: dicomUidSchema,
  studyInstanceUid: dicomUidSchema,
  modality: z.string(),
  seriesNumber: z.number().int().nullable(),
  seriesDescription: z.string(),
  bodyPartExamined: z.string(),
  seriesDate: z.string(),
  seriesTime: z.string(),
  instanceCount: z.number().int().nonnegative(),
  /** ImageType starts with DERIVED (reformats, MIPs, secondary captures made from other images). */
  isDerived: z.boolean(),
  /** A thumbnail is already cached; without one, studies.thumbnail makes it on first request. */
  hasThumbnail: z.boolean(),
});
export type SeriesSummary = z.infer<typeof seriesSummarySchema>;

export const instanceSummarySchema = z.object({
  sopInstanceUid: dicomUidSchema,
  sopClassUid: z.string(),
  instanceNumber: z.number().int().nullable(),
  rows: z.number().int().nullable(),
  columns: z.number().int().nullable(),
  numberOfFrames: z.number().int(),
  transferSyntaxUid: z.string(),
  imagePositionPatient: z.array(z.number()).length(3).nullable(),
  imageOrientationPatient: z.array(z.number()).length(6).nullable(),
  /** Position along the series' slice normal in mm; null when the instance has no usable geometry. */
  sliceProjection: z.number().nullable(),
  storageMode: z.enum(['copy', 'link']),
  fileSize: z.number().int().nonnegative(),
  /** The stored file is gone (a linked original moved or deleted): shown, never an error. */
  fileMissing: z.boolean(),
});
export type InstanceSummary = z.infer<typeof instanceSummarySchema>;

/** How a series' instances were ordered: along the slice normal, or by instance number as the fallback. */
export const instanceOrderings = ['slice-position', 'instance-number'] as const;

/** One data element as the tag browser shows it; sequences nest their items' elements. */
export interface DicomTagNode {
  /** "(gggg,eeee)" in upper-case hex. */
  tag: string;
  /** The dictionary keyword, "Private" for private tags, "Unknown" when the dictionary lacks it. */
  keyword: string;
  vr: string;
  /** Value length in bytes as stored (undefined lengths of sequences are reported as -1). */
  length: number;
  /** The decoded value, multiple values joined with "\"; binary data and pixel data are summarised. */
  value: string;
  items?: DicomTagNode[][];
}
export const dicomTagNodeSchema: z.ZodType<DicomTagNode> = z.lazy(() =>
  z.object({
    tag: z.string(),
    keyword: z.string(),
    vr: z.string(),
    length: z.number().int(),
    value: z.string(),
    items: z.array(z.array(dicomTagNodeSchema)).optional(),
  }),
);

export const thumbnailSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ready'), seriesInstanceUid: dicomUidSchema, width: z.number().int(), height: z.number().int(), dataUrl: z.string() }),
  /** The series has no thumbnail to show (compressed pixels, no image, missing file): why, in plain words. */
  z.object({ status: z.literal('unavailable'), seriesInstanceUid: dicomUidSchema, reason: z.string() }),
]);
export type Thumbnail = z.infer<typeof thumbnailSchema>;

export const studyDeletionSchema = z.object({
  studyInstanceUid: dicomUidSchema,
  series: z.number().int().nonnegative(),
  instances: z.number().int().nonnegative(),
  /** Managed copies removed from the cache's store. */
  removedFiles: z.number().int().nonnegative(),
  /** Linked originals left where they are, as linking promised. */
  keptLinkedFiles: z.number().int().nonnegative(),
});
export type StudyDeletion = z.infer<typeof studyDeletionSchema>;
