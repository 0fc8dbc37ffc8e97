import { appOrigin } from './app-origin';

/**
 * What the desktop window may do, kept free of Electron imports so it can be tested
 * without an Electron binary. The renderer has no Node, runs in Chromium's sandbox and
 * an isolated context, and reaches the services only through the preload's one object.
 */
export const windowWebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  webviewTag: false,
} as const;

/** True only for pages of the app itself, served by protocol.ts under radstation://app/. */
export function isAppUrl(url: string): boolean {
  return url.startsWith(`${appOrigin}/`);
}

/** Where the renderer may navigate: nowhere outside the app (links, dropped files, scripts). */
export function mayNavigate(url: string): boolean {
  return isAppUrl(url);
}

/**
 * The renderer never opens windows, not even the user's browser: nothing in the UI links
 * out, so any attempt is unexpected and a system browser opened on a page's say-so could
 * carry data out of an offline workstation.
 */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}
