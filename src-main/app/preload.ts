import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createPreloadBridge } from './preload-bridge';

/**
 * The preload is sandboxed: it can reach only `electron`, and is bundled with the few
 * constants it needs. It exposes one object, `window.radstation`, typed by the contract
 * (src-shared/contract/bridge.ts); the renderer's bridge adds schema checks and error
 * handling on top, the same as it does over the web host's socket.
 */
contextBridge.exposeInMainWorld('radstation', createPreloadBridge(ipcRenderer, webUtils));
