// Joined into contract/index.ts by the import service, which implements these calls.
import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { ownerOnly } from './roles';
import { importFinishedSchema, importProgressSchema, storageModes } from '../domain/imports';

export const importCalls = {
  /**
   * Starts an import of paths on the machine the services run on (files, folders,
   * DICOMDIR files, zips) and returns at once; progress and the report come as events.
   */
  'imports.start': defineCall({
    roles: ownerOnly,
    summary: 'Import files, folders, DICOMDIRs or zips from paths on the host machine',
    request: z.object({ paths: z.array(z.string().min(1)).min(1).max(10_000), mode: z.enum(storageModes).default('copy') }),
    response: z.object({ importId: z.string() }),
  }),
  'imports.cancel': defineCall({
    roles: ownerOnly,
    summary: 'Cancel an import; what was already committed stays',
    request: z.object({ importId: z.string() }),
    response: z.object({ cancelled: z.boolean() }),
  }),
} as const;

export const importEvents = {
  'imports.progress': defineEvent({ roles: ownerOnly, summary: 'Files done of total, and the current path', payload: importProgressSchema }),
  'imports.finished': defineEvent({ roles: ownerOnly, summary: 'An import ended, with its report', payload: importFinishedSchema }),
} as const;
