import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { anyRole, ownerOnly } from './roles';

export const hostKinds = ['electron', 'web'] as const;
export type HostKind = (typeof hostKinds)[number];

export const aboutSchema = z.object({
  appName: z.string(),
  appVersion: z.string(),
  host: z.enum(hostKinds),
  /** Null in the web host, where no Electron runtime is involved. */
  electronVersion: z.string().nullable(),
  chromeVersion: z.string().nullable(),
  nodeVersion: z.string(),
  onnxruntimeVersion: z.string(),
  platform: z.string(),
  arch: z.string(),
});
export type About = z.infer<typeof aboutSchema>;

export const appCalls = {
  'app.about': defineCall({
    roles: anyRole,
    summary: 'Versions of the application and its runtimes',
    request: z.object({}),
    response: aboutSchema,
  }),
  'app.ping': defineCall({
    roles: anyRole,
    summary: 'Round trip used to check that the services answer',
    request: z.object({ sentAt: z.number() }),
    response: z.object({ sentAt: z.number(), answeredAt: z.number() }),
  }),
} as const;

export const appEvents = {
  /** The Electron menu asks the renderer to show a dialog it owns. */
  'app.menuCommand': defineEvent({
    roles: ownerOnly,
    summary: 'A menu item the renderer handles (About, Import…)',
    payload: z.object({ command: z.enum(['about', 'import']) }),
  }),
} as const;
