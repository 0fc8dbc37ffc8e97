import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { ipcChannels } from '../../src-shared/contract';
import { dispatch } from '../dispatch';
import { rendererDir } from '../platform/app-root';
import { hostDirArgs } from '../platform/host-args';
import { createServices, type Services } from '../services';
import { installAppMenu } from './menu';
import { appOrigin, handleAppScheme, registerAppScheme } from './protocol';
import { isAppUrl, mayNavigate, mayNavigateFrame, offersDevTools, permissionDecision, windowOpenDecision, windowWebPreferences } from './window-policy';

/**
 * Electron-only glue, kept thin: a window, a menu, a protocol and one IPC handler. All
 * behaviour lives in the services, which the web host runs unchanged.
 */
const preloadPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'preload', 'preload.cjs');
let mainWindow: BrowserWindow | undefined;

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Radstation',
    backgroundColor: '#101418',
    webPreferences: { preload: preloadPath, ...windowWebPreferences, devTools: offersDevTools(app.isPackaged) },
  });
  // The renderer never leaves the app: no navigation elsewhere, no new windows.
  window.webContents.on('will-navigate', (event, url) => {
    if (!mayNavigate(url)) event.preventDefault();
  });
  // The same rule for subframes and for server redirects, which will-navigate does not see.
  window.webContents.on('will-frame-navigate', (details) => {
    if (!(details.isMainFrame ? mayNavigate(details.url) : mayNavigateFrame(details.url))) details.preventDefault();
  });
  window.webContents.on('will-redirect', (details) => {
    if (!mayNavigate(details.url)) details.preventDefault();
  });
  window.webContents.setWindowOpenHandler(windowOpenDecision);
  void window.loadURL(`${appOrigin}/index.html`);
  return window;
}

function bindIpc(services: Services): void {
  ipcMain.handle(ipcChannels.call, async (event, name: unknown, payload: unknown) => {
    // Only our own page may call the services.
    const senderUrl = event.senderFrame?.url ?? '';
    if (!isAppUrl(senderUrl)) {
      return { ok: false, error: { code: 'invalid-request', message: 'Calls are accepted from the Radstation window only.' } };
    }
    return dispatch(services.handlers, typeof name === 'string' ? name : '', payload, { host: 'electron', client: `window-${event.sender.id}`, role: 'owner' });
  });
  services.events.subscribe((name, payload) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(ipcChannels.event, name, payload);
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  void app.whenReady().then(() => {
    const { cacheDir, modelDirs } = hostDirArgs(process.argv);
    const services = createServices({
      host: 'electron',
      cacheDir,
      modelDirs,
      userDataDir: app.getPath('userData'),
      runtimeVersions: { electron: process.versions.electron ?? 'unknown', chrome: process.versions.chrome ?? 'unknown' },
    });
    // Deny every web permission the app does not use, asked or merely checked.
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => callback(permissionDecision(permission, details.requestingUrl)));
    session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionDecision(permission, requestingOrigin));
    handleAppScheme(services, rendererDir());
    bindIpc(services);
    installAppMenu(services.events, () => mainWindow, { devTools: offersDevTools(app.isPackaged) });
    mainWindow = createWindow();
    // The DICOM listener runs when the network settings enable it (loopback unless they name another address).
    void services.network.startListenerIfAsked().then((dicom) => {
      if (dicom && !dicom.running) console.error(`[radstation] no DICOM listener: ${dicom.error ?? 'it did not start'}`);
    });
    app.on('window-all-closed', () => {
      void services.close().finally(() => app.quit());
    });
  });
}
