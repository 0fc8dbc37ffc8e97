import { z } from 'zod';
import { dicomUidSchema } from '../domain/studies';

/**
 * A DICOM Segmentation (SEG) as the viewer draws it over its referenced images: the segments
 * with their display colours, and each non-empty frame's mask cut to the box around its set
 * pixels, with what the frame says about the image it lies on. Read in the main process.
 */

const rgbSchema = z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]);

export const segmentSchema = z.object({
  /** Segment Number (0062,0004), which frames refer to. */
  number: z.number().int().positive(),
  label: z.string(),
  /** The property type's Code Meaning ("Liver"), or empty. */
  propertyType: z.string(),
  algorithmType: z.string(),
  rgb: rgbSchema,
  /** Where the colour came from: the file's Recommended Display CIELab Value, or the viewer's palette. */
  colourSource: z.enum(['recommended', 'palette']),
});
export type Segment = z.infer<typeof segmentSchema>;

export const segmentationFrameSchema = z.object({
  /** 0-based frame index in the SEG. */
  frame: z.number().int().nonnegative(),
  segmentNumber: z.number().int().positive(),
  /** The first Source Image Sequence reference of the frame's Derivation Image Sequence, if any. */
  referencedSopInstanceUid: dicomUidSchema.nullable(),
  /** The referenced frame, 1-based, when the source is a multi-frame image. */
  referencedFrameNumber: z.number().int().positive().nullable(),
  /** Plane Position Sequence's Image Position (Patient), three numbers, or null. */
  imagePositionPatient: z.array(z.number()).length(3).nullable(),
  /** The box (in the SEG frame's pixels) that holds every set pixel; `mask` covers only this box. */
  box: z.object({
    row: z.number().int().nonnegative(),
    column: z.number().int().nonnegative(),
    rows: z.number().int().positive(),
    columns: z.number().int().positive(),
  }),
  /**
   * The box's pixels row by row, base64: for BINARY one bit a pixel (pixel i is bit i % 8 of
   * byte i / 8, as DICOM packs them); for FRACTIONAL one byte a pixel, the stored value.
   */
  mask: z.string(),
});
export type SegmentationFrame = z.infer<typeof segmentationFrameSchema>;

export const segmentationSchema = z.object({
  sopInstanceUid: dicomUidSchema,
  seriesInstanceUid: dicomUidSchema,
  contentLabel: z.string(),
  seriesDescription: z.string(),
  segmentationType: z.enum(['BINARY', 'FRACTIONAL']),
  /** FRACTIONAL: the value that means 1.0 (Maximum Fractional Value); BINARY: 1. */
  maximumFractionalValue: z.number().int().positive(),
  rows: z.number().int().positive(),
  columns: z.number().int().positive(),
  frameOfReferenceUid: z.string(),
  /** Series the SEG names in its Referenced Series Sequence. */
  referencedSeriesInstanceUids: z.array(dicomUidSchema),
  /** From the shared (or first frame's) Plane Orientation and Pixel Measures, or null. */
  imageOrientationPatient: z.array(z.number()).length(6).nullable(),
  pixelSpacing: z.array(z.number()).length(2).nullable(),
  sliceThickness: z.number().nullable(),
  segments: z.array(segmentSchema).max(10_000),
  /** Frames with at least one set pixel; empty frames are left out and counted. */
  frames: z.array(segmentationFrameSchema).max(200_000),
  emptyFrames: z.number().int().nonnegative(),
});
export type Segmentation = z.infer<typeof segmentationSchema>;
