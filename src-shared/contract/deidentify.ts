import { z } from 'zod';
import { defineCall } from './define';
import { ownerOnly } from './roles';
import { dicomUidSchema } from '../domain/studies';

/** An image held back for possible burned-in text, as the de-identify dialog lists it. */
export const heldBackImageSchema = z.object({
  sopInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  modality: z.string(),
  instanceNumber: z.number().int().nullable(),
  rows: z.number().int().nonnegative(),
  columns: z.number().int().nonnegative(),
  frames: z.number().int().positive(),
  reason: z.string(),
  /** Why Clean Pixel Data cannot handle this image (compressed, palette colour…), or null. */
  cannotClean: z.string().nullable(),
});
export type HeldBackImage = z.infer<typeof heldBackImageSchema>;

/** The options of PS3.15 Table E.1-1, as the CLI spells them. */
export const deidentifyOptionNames = [
  'retain-safe-private',
  'retain-uids',
  'retain-device-identity',
  'retain-institution-identity',
  'retain-patient-characteristics',
  'retain-long-full-dates',
  'retain-long-modified-dates',
  'clean-descriptors',
  'clean-structured-content',
  'clean-graphics',
] as const;

const pixelRectSchema = z.object({ x: z.number().min(0), y: z.number().min(0), width: z.number().positive(), height: z.number().positive() });

export const deidentifyRequestSchema = z.object({
  studyInstanceUids: z.array(dicomUidSchema).min(1),
  options: z.array(z.enum(deidentifyOptionNames)).default([]),
  project: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).default('default'),
  /**
   * Images flagged for burned-in text: confirmed clean by SOP Instance UID (or all), or cleaned with
   * rectangles in image pixels, the same in every flagged image (cleanRects) or per image by its
   * SOP Instance UID (cleanRectsByInstance, which wins for its image).
   */
  burnedIn: z
    .object({
      confirmClean: z.union([z.literal('all'), z.array(dicomUidSchema)]).optional(),
      cleanRects: z.array(pixelRectSchema).optional(),
      cleanRectsByInstance: z.record(dicomUidSchema, z.array(pixelRectSchema).min(1).max(256)).optional(),
    })
    .default({}),
  /** Where the copy goes: into the cache as a new study, or into a zip archive to download. */
  output: z.enum(['cache', 'zip']).default('cache'),
  /** For a zip: name the files as removable media do and put a DICOMDIR at the archive's root. */
  dicomdir: z.boolean().default(false),
});

export const deidentifyCalls = {
  'studies.deidentify': defineCall({
    roles: ownerOnly,
    summary: 'De-identify cached studies (PS3.15 Basic Profile and options) into the cache as new studies marked de-identified, or into a zip archive to download',
    request: deidentifyRequestSchema,
    response: z.object({
      files: z.number().int().nonnegative(),
      written: z.number().int().nonnegative(),
      /** File names only: the renderer never receives a filesystem path. */
      excluded: z.array(z.object({ file: z.string(), reason: z.string() })),
      burnedIn: z.array(z.object({ file: z.string(), how: z.enum(['cleaned', 'confirmed']) })),
      options: z.array(z.string()),
      project: z.string(),
      studies: z.array(z.object({ original: z.string(), deidentified: z.string() })),
      /**
       * For output "zip": the archive to fetch from fileRoutes.deidentifiedExport + exportId + ".zip"
       * (the same authenticated host, kept for an hour); absent when nothing was written.
       */
      download: z.object({ exportId: z.string().uuid(), fileName: z.string(), bytes: z.number().int().nonnegative() }).optional(),
    }),
  }),
  'studies.deidentifyPreview': defineCall({
    roles: ownerOnly,
    summary: 'What each attribute of one instance becomes under the chosen options, and whether it is held back for burned-in text',
    request: z.object({ sopInstanceUid: dicomUidSchema, options: z.array(z.enum(deidentifyOptionNames)).default([]) }),
    response: z.object({
      attributes: z.array(z.object({ tag: z.string(), name: z.string(), action: z.string(), before: z.string(), after: z.string().nullable() })),
      burnedIn: z.string().nullable(),
    }),
  }),
  'studies.deidentifyBurnedIn': defineCall({
    roles: ownerOnly,
    summary: 'The images of studies held back for possible burned-in text, with the reason and what the user needs to black out areas on each',
    request: z.object({ studyInstanceUids: z.array(dicomUidSchema).min(1) }),
    response: z.object({
      images: z.array(heldBackImageSchema),
    }),
  }),
} as const;
