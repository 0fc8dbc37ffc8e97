import type { z } from 'zod';
import { appCalls, appEvents } from './app';
import { importCalls, importEvents } from './imports';
import { reportCalls } from './reports';
import { studyCalls, studyEvents } from './studies';
import { deidentifyCalls } from './deidentify';
import { inferenceCalls, inferenceEvents } from './inference';
import { viewerCalls } from './viewer';
import { vlmCalls, vlmEvents } from './vlm';
import { qaCalls } from './qa';
import { networkCalls, networkEvents } from './network';
import { teachingCalls, teachingEvents } from './teaching';

/**
 * The whole contract between the renderer and the services. Each domain keeps its
 * calls in its own file; this is the one place they are joined.
 */
export const calls = {
  ...appCalls,
  ...studyCalls,
  ...deidentifyCalls,
  ...viewerCalls,
  ...importCalls,
  ...inferenceCalls,
  ...reportCalls,
  ...vlmCalls,
  ...qaCalls,
  ...networkCalls,
  ...teachingCalls,
} as const;

export const events = {
  ...appEvents,
  ...studyEvents,
  ...importEvents,
  ...inferenceEvents,
  ...vlmEvents,
  ...networkEvents,
  ...teachingEvents,
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallRequest<Name extends CallName> = z.input<Calls[Name]['request']>;
/** What a service receives: the request after schema defaults are applied. */
export type ParsedCallRequest<Name extends CallName> = z.output<Calls[Name]['request']>;
export type CallResponse<Name extends CallName> = z.output<Calls[Name]['response']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<Name extends EventName> = z.output<Events[Name]['payload']>;

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(calls, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** The one API object the renderer talks to, whichever host it runs in. */
export interface RadstationApi {
  readonly host: 'electron' | 'web';
  call<Name extends CallName>(name: Name, request: CallRequest<Name>): Promise<CallResponse<Name>>;
  on<Name extends EventName>(name: Name, listener: (payload: EventPayload<Name>) => void): () => void;
  /** A URL the renderer can fetch an instance's DICOM file from; never a filesystem path. */
  instanceFileUrl(sopInstanceUid: string): string;
  /** Where to download a de-identified zip that studies.deidentify made (output "zip"). */
  deidentifiedExportUrl(exportId: string): string;
}

export * from './bridge';
export * from './errors';
export * from './wire';
export * from './app';
export * from './studies';
export * from './deidentify';
export * from './viewer';
export * from './viewer-objects';
export * from './viewer-segmentation';
export * from './imports';
export * from './inference';
export * from './reports';
export * from './vlm';
export * from './qa';
export * from './network';
export * from './teaching';
export * from './roles';
