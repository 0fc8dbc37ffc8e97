import type { RadstationBridge } from '../../src-shared/contract';

declare global {
  interface Window {
    /** The one object Electron's preload exposes; absent in a browser, where the socket bridge stands in. */
    radstation?: RadstationBridge;
  }
}

export type { RadstationBridge };
