import { z } from 'zod';
import { defineCall } from './define';
import { anyRole, ownerOnly, ownerOrTeacher } from './roles';
import { dicomUidSchema } from '../domain/studies';
import { metadataAnswerSchema, reportDraftSchema, reportEntrySchema } from '../domain/reports';

const studyRequest = z.object({ studyInstanceUid: dicomUidSchema });

export const reportCalls = {
  'reports.get': defineCall({
    roles: anyRole,
    summary: "The study's report draft, started from its modality's template if there is none yet",
    request: studyRequest,
    response: reportDraftSchema,
  }),
  'reports.save': defineCall({
    roles: ownerOnly,
    summary: 'Autosave the draft; refused with a conflict if another window saved a newer revision',
    request: z.object({
      studyInstanceUid: dicomUidSchema,
      baseRevision: z.number().int().nonnegative(),
      findings: z.string().max(200_000),
      impression: z.string().max(200_000),
      entries: z.array(reportEntrySchema).max(1000),
    }),
    response: reportDraftSchema,
  }),
  'reports.exportPdf': defineCall({
    roles: ownerOnly,
    summary: 'The draft as a PDF document',
    request: studyRequest,
    response: z.object({ fileName: z.string(), pdfBase64: z.string() }),
  }),
  'reports.exportSr': defineCall({
    roles: ownerOnly,
    summary: 'Save the draft into the study as a DICOM Basic Text SR',
    request: studyRequest,
    response: z.object({ seriesInstanceUid: z.string(), sopInstanceUid: z.string() }),
  }),
  'reports.answerFromMetadata': defineCall({
    roles: ownerOrTeacher,
    summary: 'Answer a question about the image from the cache and its DICOM header, when it is that kind of question',
    request: z.object({ sopInstanceUid: dicomUidSchema, question: z.string().min(1).max(2000) }),
    response: metadataAnswerSchema,
  }),
} as const;
