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

export const studySummarySchema = z.object({
  studyInstanceUid: dicomUidSchema,
  patientName: z.string(),
  patientId: z.string(),
  patientBirthDate: z.string(),
  patientSex: z.string(),
  studyDate: z.string(),
  studyTime: z.string(),
  accessionNumber: z.string(),
  studyDescription: z.string(),
  referringPhysicianName: z.string(),
  modalities: z.array(z.string()),
  seriesCount: z.number().int(),
  instanceCount: z.number().int(),
  importedAt: z.string(),
});
export type StudySummary = z.infer<typeof studySummarySchema>;

export const studySortKeys = ['studyDate', 'patientName', 'patientId', 'modalities', 'studyDescription', 'importedAt'] as const;

export const studyQuerySchema = z.object({
  text: z.string().max(200).optional(),
  modality: z.string().max(16).optional(),
  from: dicomDateSchema.optional(),
  to: dicomDateSchema.optional(),
  sortBy: z.enum(studySortKeys).default('studyDate'),
  sortDirection: z.enum(['asc', 'desc']).default('desc'),
  limit: z.number().int().min(1).max(10_000).default(500),
});
export type StudyQuery = z.input<typeof studyQuerySchema>;
