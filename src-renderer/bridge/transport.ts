/** How the bridge reaches the services: Electron's preload or the web host's socket. */
export interface Transport {
  readonly host: 'electron' | 'web';
  /** Resolves to a result envelope (never rejects for a service error). */
  invoke(name: string, payload: unknown): Promise<unknown>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  /** Prefix for the cache's file routes: an origin, or '' for same-origin. */
  readonly fileBaseUrl: string;
}

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    radstationTransport?: Transport;
  }
}
