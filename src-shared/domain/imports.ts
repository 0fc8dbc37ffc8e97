import { z } from 'zod';

export const storageModes = ['copy', 'link'] as const;
export type StorageMode = (typeof storageModes)[number];

export const importFailureSchema = z.object({ path: z.string(), reason: z.string() });

export const importConflictSchema = z.object({
  path: z.string(),
  sopInstanceUid: z.string(),
  /** What is kept: the cached instance stays; the new content is set aside, never overwriting it. */
  reason: z.string(),
});

/** The import report; the CLI's --json prints exactly this object. */
export const importReportSchema = z.object({
  /**
   * Files looked at (DICOMDIR and zip entries count as files). Each is in exactly one
   * category: files = instances + duplicates + conflicts + failed + dicomdirs for a
   * completed or cancelled import.
   */
  files: z.number().int().nonnegative(),
  /** New instances added to the cache. */
  instances: z.number().int().nonnegative(),
  /** Studies and series that received at least one new instance. */
  studies: z.number().int().nonnegative(),
  series: z.number().int().nonnegative(),
  /** DICOMDIR files read as an index of other files (each referenced file is counted on its own). */
  dicomdirs: z.number().int().nonnegative(),
  /** Same SOP Instance UID and same content as an instance already cached. */
  duplicates: z.number().int().nonnegative(),
  /** Same SOP Instance UID, different content: reported, and the cached one kept. */
  conflicts: z.array(importConflictSchema),
  /** One line per file that could not be imported: its path and a clear reason. */
  failed: z.array(importFailureSchema),
  seconds: z.number().nonnegative(),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export const importProgressSchema = z.object({
  importId: z.string(),
  filesDone: z.number().int().nonnegative(),
  /** Null while sources are still being listed (a large folder, a zip's central directory). */
  filesTotal: z.number().int().nonnegative().nullable(),
  currentPath: z.string(),
});
export type ImportProgress = z.infer<typeof importProgressSchema>;

export const importFinishedSchema = z.object({
  importId: z.string(),
  status: z.enum(['completed', 'cancelled', 'failed']),
  report: importReportSchema,
  /** For status 'failed': why the import as a whole stopped (a file's failure never does). */
  message: z.string().optional(),
});
export type ImportFinished = z.infer<typeof importFinishedSchema>;
