import { z } from 'zod';
import { contractErrorSchema } from './errors';

/**
 * Messages on the web host's WebSocket. Electron's IPC carries the same call/result
 * pairs through ipcRenderer.invoke, so only the socket needs request IDs.
 */
export const clientMessageSchema = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  name: z.string().max(200),
  payload: z.unknown(),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const resultEnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: contractErrorSchema }),
]);

export type ServerMessage =
  | { type: 'result'; id: number; result: z.infer<typeof resultEnvelopeSchema> }
  | { type: 'event'; name: string; payload: unknown };

export const serverMessageSchema = z.union([
  z.object({ type: z.literal('result'), id: z.number(), result: resultEnvelopeSchema }),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
]);

export { ipcChannels, fileRoutes } from './channels';
