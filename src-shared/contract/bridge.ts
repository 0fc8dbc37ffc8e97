import type { HostKind } from './app';
import type { CallName, CallRequest } from './index';

/**
 * How contract calls travel between the renderer and the services. Electron's preload
 * exposes exactly one of these as `window.radstation`; in a browser the web host's socket
 * provides the same shape. Requests are typed by the contract here; what comes back is
 * a result envelope that the renderer's bridge checks against the response schema.
 * Failures arrive as envelopes, never as exceptions, because an exception crossing
 * Electron's context bridge loses its class and its error code.
 */
export interface RadstationBridge {
  readonly host: HostKind;
  /** Resolves to the call's result envelope; never rejects for a service error. */
  invoke<Name extends CallName>(name: Name, request: CallRequest<Name>): Promise<unknown>;
  /** Every event the services push, unchecked; the renderer's bridge checks each against the contract. */
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  /** Prefix for the cache's file routes: the app's own origin in Electron, '' (same origin) in a browser. */
  readonly fileBaseUrl: string;
  /** Electron only: the path of a file dropped on the window. Browsers never reveal paths. */
  readonly pathForFile?: (file: File) => string;
}
