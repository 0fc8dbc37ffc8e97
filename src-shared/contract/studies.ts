import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { studyQuerySchema, studySummarySchema } from '../domain/studies';

export const studyCalls = {
  'studies.list': defineCall({
    summary: 'Studies in the cache, filtered and sorted',
    request: studyQuerySchema,
    response: z.object({ studies: z.array(studySummarySchema) }),
  }),
} as const;

export const studyEvents = {
  'studies.changed': defineEvent({
    summary: 'Studies were added, changed or deleted; lists should refresh',
    payload: z.object({ studyInstanceUids: z.array(z.string()) }),
  }),
} as const;
