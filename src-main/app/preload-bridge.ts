import type { CallName, CallRequest, RadstationBridge } from '../../src-shared/contract';
import { ipcChannels } from '../../src-shared/contract/channels';
import { appOrigin } from './app-origin';

/**
 * The parts of Electron's ipcRenderer and webUtils the bridge uses, named here so the
 * bridge can be built and tested without an Electron binary. Electron's own objects fit.
 */
export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface PreloadFileUtils {
  getPathForFile(file: File): string;
}

/**
 * The one object the preload exposes as `window.radstation`, typed by the contract.
 * It only carries calls and events: the main process validates every request
 * (dispatch.ts) and the renderer's bridge validates every response.
 */
export function createPreloadBridge(ipc: PreloadIpc, files: PreloadFileUtils): RadstationBridge {
  return {
    host: 'electron',
    invoke: <Name extends CallName>(name: Name, request: CallRequest<Name>): Promise<unknown> => ipc.invoke(ipcChannels.call, name, request),
    subscribe: (listener) => {
      const handler = (_event: unknown, name: unknown, payload: unknown): void => {
        if (typeof name === 'string') listener(name, payload);
      };
      ipc.on(ipcChannels.event, handler);
      return () => {
        ipc.removeListener(ipcChannels.event, handler);
      };
    },
    fileBaseUrl: appOrigin,
    pathForFile: (file) => files.getPathForFile(file),
  };
}
