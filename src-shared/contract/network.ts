// Joined into contract/index.ts; implemented by the network service (src-main/network/network-service.ts).
import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { ownerOnly } from './roles';
import {
  dicomWebNodeSchema,
  dimseNodeSchema,
  echoResultSchema,
  listenerStatusSchema,
  localListenerSettingsSchema,
  networkSettingsSchema,
  remoteQuerySchema,
  remoteSeriesSchema,
  remoteStudySchema,
  retrieveMethods,
  retrieveProgressSchema,
  retrieveReportSchema,
  sendProgressSchema,
  sendReportSchema,
} from '../domain/network';

const nodeName = z.object({ name: z.string().min(1) });

/**
 * Nodes added from the UI carry no credentials: in the web host a browser could otherwise name
 * any file on the host as a "password file" and have its contents sent to a URL of its choosing.
 * Authenticated DICOMweb nodes, and TLS nodes with their own CA file, are added with `radstation remote add`.
 */
const nodeFromUi = z.discriminatedUnion('kind', [dimseNodeSchema.omit({ tlsCaFile: true }), dicomWebNodeSchema.omit({ auth: true })]);

/** A study found on a remote node, with how many of its instances the cache already holds. */
export const networkStudySchema = remoteStudySchema.extend({ cachedInstanceCount: z.number().int().nonnegative() });

export const networkCalls = {
  'network.settings': defineCall({
    roles: ownerOnly,
    summary: 'Radstation’s AE title and port, and the configured remote nodes',
    request: z.object({}),
    response: networkSettingsSchema,
  }),
  'network.addNode': defineCall({ roles: ownerOnly, summary: 'Add a remote DIMSE or DICOMweb node (no credentials)', request: nodeFromUi, response: networkSettingsSchema }),
  'network.removeNode': defineCall({ roles: ownerOnly, summary: 'Remove a remote node', request: nodeName, response: networkSettingsSchema }),
  'network.echo': defineCall({ roles: ownerOnly, summary: 'Verify a node (C-ECHO or QIDO)', request: nodeName, response: echoResultSchema }),
  'network.find': defineCall({
    roles: ownerOnly,
    summary: 'Query a node for studies, each marked with what the cache already holds',
    request: z.object({ name: z.string().min(1), query: remoteQuerySchema }),
    response: z.object({ studies: z.array(networkStudySchema) }),
  }),
  'network.series': defineCall({
    roles: ownerOnly,
    summary: 'The series of a study on a node',
    request: z.object({ name: z.string().min(1), studyInstanceUid: z.string().min(1) }),
    response: z.object({ series: z.array(remoteSeriesSchema) }),
  }),
  'network.retrieve': defineCall({
    roles: ownerOnly,
    summary: 'Start retrieving a study or series into the cache; progress and the report come as events',
    request: z.object({
      name: z.string().min(1),
      studyInstanceUid: z.string().min(1),
      seriesInstanceUid: z.string().min(1).optional(),
      method: z.enum(retrieveMethods).optional(),
    }),
    response: z.object({ retrieveId: z.string() }),
  }),
  'network.cancelRetrieve': defineCall({
    roles: ownerOnly,
    summary: 'Cancel a retrieve; what arrived stays in the cache',
    request: z.object({ retrieveId: z.string() }),
    response: z.object({ cancelled: z.boolean() }),
  }),
  'network.send': defineCall({
    roles: ownerOnly,
    summary: 'Start sending a cached study or series to a node (C-STORE or STOW-RS); progress and the report come as events',
    request: z
      .object({ name: z.string().min(1), studyInstanceUid: z.string().min(1).optional(), seriesInstanceUid: z.string().min(1).optional() })
      .refine((request) => (request.studyInstanceUid === undefined) !== (request.seriesInstanceUid === undefined), 'name either a study or a series'),
    response: z.object({ sendId: z.string() }),
  }),
  'network.cancelSend': defineCall({
    roles: ownerOnly,
    summary: 'Cancel a send; what the peer already accepted stays there',
    request: z.object({ sendId: z.string() }),
    response: z.object({ cancelled: z.boolean() }),
  }),
  'network.listener': defineCall({ roles: ownerOnly, summary: 'Whether Radstation’s DICOM listener runs, and where', request: z.object({}), response: listenerStatusSchema }),
  'network.configureListener': defineCall({
    roles: ownerOnly,
    summary: 'Save Radstation’s AE title, port, listen address and whether the listener runs; it is restarted or stopped to match',
    request: localListenerSettingsSchema,
    response: z.object({ settings: networkSettingsSchema, listener: listenerStatusSchema }),
  }),
} as const;

export const networkEvents = {
  'network.retrieveProgress': defineEvent({ roles: ownerOnly, summary: 'Instances retrieved of those missing', payload: retrieveProgressSchema }),
  'network.retrieveFinished': defineEvent({
    roles: ownerOnly,
    summary: 'A retrieve ended, with its report (or why it could not start)',
    payload: z.object({ retrieveId: z.string(), report: retrieveReportSchema.nullable(), message: z.string().optional() }),
  }),
  'network.sendProgress': defineEvent({ roles: ownerOnly, summary: 'Instances sent of those in the study or series', payload: sendProgressSchema }),
  'network.sendFinished': defineEvent({
    roles: ownerOnly,
    summary: 'A send ended, with each instance’s status (or why it could not start)',
    payload: z.object({ sendId: z.string(), report: sendReportSchema.nullable(), message: z.string().optional() }),
  }),
} as const;
