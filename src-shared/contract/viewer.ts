import { z } from 'zod';
import { defineCall } from './define';
import { anyRole } from './roles';
import { dicomUidSchema, patientStudyHeaderSchema } from '../domain/studies';
import { viewerObjectSchema } from './viewer-objects';
import { segmentationSchema } from './viewer-segmentation';

/** One image of a stack, with the geometry the viewer needs before any pixel arrives. */
export const stackInstanceSchema = z.object({
  sopInstanceUid: dicomUidSchema,
  /** Tells images from reports, documents and other objects the viewer shows as what they are. */
  sopClassUid: z.string(),
  instanceNumber: z.number().int().nullable(),
  numberOfFrames: z.number().int(),
  rows: z.number().int().nullable(),
  columns: z.number().int().nullable(),
  /** Image Position (Patient), three numbers, or null when absent. */
  imagePositionPatient: z.array(z.number()).nullable(),
  /** Image Orientation (Patient), six numbers, or null when absent. */
  imageOrientationPatient: z.array(z.number()).nullable(),
  pixelSpacing: z.array(z.number()).nullable(),
  sliceThickness: z.number().nullable(),
});
export type StackInstance = z.infer<typeof stackInstanceSchema>;

export const viewerSeriesSchema = z.object({
  seriesInstanceUid: dicomUidSchema,
  modality: z.string(),
  seriesNumber: z.number().int().nullable(),
  seriesDescription: z.string(),
  seriesDate: z.string(),
  seriesTime: z.string(),
  /** Ordered along the slice normal (by position), else by instance number. */
  instances: z.array(stackInstanceSchema),
});
export type ViewerSeries = z.infer<typeof viewerSeriesSchema>;

export const viewerStudySchema = patientStudyHeaderSchema.extend({
  series: z.array(viewerSeriesSchema),
});
export type ViewerStudy = z.infer<typeof viewerStudySchema>;

/** A measurement as the viewer persists it: Cornerstone's annotation, kept as opaque JSON. */
export const storedMeasurementSchema = z.object({
  annotationUid: z.string().min(1).max(100),
  toolName: z.string().min(1).max(64),
  seriesInstanceUid: dicomUidSchema,
  sopInstanceUid: dicomUidSchema.nullable(),
  /** One line for the side panel, e.g. "Length 42.1 mm". */
  label: z.string().max(500),
  /** The annotation (handles in world coordinates, metadata) as JSON text. */
  annotationJson: z.string().max(200_000),
});
export type StoredMeasurement = z.infer<typeof storedMeasurementSchema>;

export const viewerCalls = {
  'viewer.study': defineCall({
    roles: anyRole,
    summary: 'A study with its series and their images in stack order, for the viewer',
    request: z.object({ studyInstanceUid: dicomUidSchema }),
    response: viewerStudySchema,
  }),
  'viewer.object': defineCall({
    roles: anyRole,
    summary: 'What an object that is not a plain image holds (an SR tree, a PDF, references), or why an image cannot be shown',
    request: z.object({ sopInstanceUid: dicomUidSchema }),
    response: viewerObjectSchema,
  }),
  'viewer.segmentation': defineCall({
    roles: anyRole,
    summary: 'A Segmentation (SEG) object read for drawing over its referenced images: segments, colours and the masks of its non-empty frames',
    request: z.object({ sopInstanceUid: dicomUidSchema }),
    response: segmentationSchema,
  }),
  'viewer.measurements.list': defineCall({
    roles: anyRole,
    summary: 'Measurements saved for a study',
    request: z.object({ studyInstanceUid: dicomUidSchema }),
    response: z.object({ measurements: z.array(storedMeasurementSchema) }),
  }),
  'viewer.measurements.save': defineCall({
    roles: anyRole,
    summary: 'Replaces the measurements saved for a study',
    request: z.object({ studyInstanceUid: dicomUidSchema, measurements: z.array(storedMeasurementSchema).max(5000) }),
    response: z.object({ saved: z.number().int() }),
  }),
} as const;
