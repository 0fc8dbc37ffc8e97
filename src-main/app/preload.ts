import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { ipcChannels } from '../../src-shared/contract/channels';

/**
 * The preload is sandboxed: it can reach only `electron`, and is bundled with the few
 * constants it needs. It exposes a transport; the renderer's bridge adds the typed API
 * and error handling on top, the same as it does over the web host's socket.
 */
const transport = {
  host: 'electron' as const,
  invoke: (name: string, payload: unknown): Promise<unknown> => ipcRenderer.invoke(ipcChannels.call, name, payload),
  subscribe: (listener: (name: string, payload: unknown) => void): (() => void) => {
    const handler = (_event: Electron.IpcRendererEvent, name: string, payload: unknown): void => listener(name, payload);
    ipcRenderer.on(ipcChannels.event, handler);
    return () => ipcRenderer.removeListener(ipcChannels.event, handler);
  },
  fileBaseUrl: 'radstation://app',
};

contextBridge.exposeInMainWorld('radstationTransport', transport);

// Files dropped on the window, for import: Electron no longer gives File.path to pages.
contextBridge.exposeInMainWorld('radstationFiles', { pathForFile: (file: File): string => webUtils.getPathForFile(file) });
