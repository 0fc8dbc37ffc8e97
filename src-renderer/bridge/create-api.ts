import {
  CallFailedError,
  calls,
  events,
  fileRoutes,
  isCallName,
  isEventName,
  resultEnvelopeSchema,
  type RadstationApi,
  type RadstationBridge,
} from '../../src-shared/contract';
import './transport';
import { createWebSocketTransport } from './websocket-transport';

/**
 * The API object the whole renderer uses. Responses and events are checked against
 * the contract here, so a mismatch between the processes shows up as a clear error
 * at the boundary instead of as undefined fields deep in the UI.
 */
export function createApi(transport: RadstationBridge): RadstationApi {
  return {
    host: transport.host,
    async call(name, request) {
      if (!isCallName(name)) throw new Error(`Unknown call ${String(name)}`);
      const envelope = resultEnvelopeSchema.parse(await transport.invoke(name, request));
      if (!envelope.ok) throw new CallFailedError(name, envelope.error);
      return calls[name].response.parse(envelope.value) as never;
    },
    on(name, listener) {
      return transport.subscribe((eventName, payload) => {
        if (eventName !== name || !isEventName(eventName)) return;
        const parsed = events[name].payload.safeParse(payload);
        if (parsed.success) listener(parsed.data as never);
        else console.error(`Event ${eventName} did not match the contract`, parsed.error);
      });
    },
    instanceFileUrl(sopInstanceUid) {
      return `${transport.fileBaseUrl}${fileRoutes.instance}${encodeURIComponent(sopInstanceUid)}`;
    },
    deidentifiedExportUrl(exportId) {
      return `${transport.fileBaseUrl}${fileRoutes.deidentifiedExport}${encodeURIComponent(exportId)}.zip`;
    },
  };
}

/** Electron's preload bridge when present, else the web host's socket. */
export function connectApi(): RadstationApi {
  const transport = window.radstation ?? createWebSocketTransport();
  return createApi(transport);
}
