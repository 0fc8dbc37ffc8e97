import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { anyRole, ownerOnly } from './roles';
import {
  dicomTagNodeSchema,
  dicomUidSchema,
  instanceOrderings,
  instanceSummarySchema,
  seriesSummarySchema,
  studyDeletionSchema,
  studyQuerySchema,
  studySummarySchema,
  thumbnailSchema,
} from '../domain/studies';

/** C0 controls and DEL: never part of a search a person types, and a NUL cuts SQLite's query string short. */
const controlCharacter = /[\u0000-\u001f\u007f]/;
const withoutControlCharacters = (value: string | undefined) => value === undefined || !controlCharacter.test(value);
const noControlCharacterMessage = 'must not contain control characters (NUL, escape, DEL and the like)';

export const studyCalls = {
  'studies.list': defineCall({
    roles: anyRole,
    summary: 'Studies in the cache, filtered and sorted, cut at the limit; total counts every match',
    request: studyQuerySchema.extend({
      text: studyQuerySchema.shape.text.refine(withoutControlCharacters, noControlCharacterMessage),
      modality: studyQuerySchema.shape.modality.refine(withoutControlCharacters, noControlCharacterMessage),
    }),
    response: z.object({
      studies: z.array(studySummarySchema),
      /** How many studies match the filters in all; more than studies.length when the list was cut at the limit. */
      total: z.number().int().nonnegative(),
    }),
  }),
  'studies.series': defineCall({
    roles: anyRole,
    summary: 'Series of one study, by series number',
    request: z.object({ studyInstanceUid: dicomUidSchema }),
    response: z.object({ series: z.array(seriesSummarySchema) }),
  }),
  'studies.instances': defineCall({
    roles: anyRole,
    summary: 'Instances of one series in anatomical order (slice position, else instance number)',
    request: z.object({ seriesInstanceUid: dicomUidSchema }),
    response: z.object({ orderedBy: z.enum(instanceOrderings), instances: z.array(instanceSummarySchema) }),
  }),
  'studies.tags': defineCall({
    roles: anyRole,
    summary: "An instance's data elements, read from its file on demand",
    request: z.object({ sopInstanceUid: dicomUidSchema }),
    response: z.object({ sopInstanceUid: dicomUidSchema, transferSyntaxUid: z.string(), tags: z.array(dicomTagNodeSchema) }),
  }),
  'studies.thumbnail': defineCall({
    roles: anyRole,
    summary: "A series' thumbnail as a PNG data URL, made on first request and cached",
    request: z.object({ seriesInstanceUid: dicomUidSchema }),
    response: thumbnailSchema,
  }),
  'studies.delete': defineCall({
    roles: ownerOnly,
    summary: 'Delete a study from the cache with its managed copies; linked originals are never touched',
    request: z.object({ studyInstanceUid: dicomUidSchema }),
    response: studyDeletionSchema,
  }),
} as const;

export const studyEvents = {
  'studies.changed': defineEvent({
    roles: anyRole,
    summary: 'Studies were added, changed or deleted; lists should refresh',
    /** Empty when another process changed the cache and which studies is not known. */
    payload: z.object({ studyInstanceUids: z.array(z.string()) }),
  }),
} as const;
