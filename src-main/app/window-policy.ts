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
  // Chromium's built-in PDF viewer, for encapsulated PDFs shown in the viewer (a blob: frame of our own).
  plugins: true,
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
 * A subframe may also show a blob the app's own page made (an encapsulated PDF's bytes,
 * typed application/pdf by the page): such a URL names our origin and nothing outside it.
 */
export function mayNavigateFrame(url: string): boolean {
  return isAppUrl(url) || url.startsWith(`blob:${appOrigin}/`);
}

/**
 * The renderer never opens windows, not even the user's browser: nothing in the UI links
 * out, so any attempt is unexpected and a system browser opened on a page's say-so could
 * carry data out of an offline workstation.
 */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * The one web permission the renderer uses: writing an image to the clipboard (the
 * viewer's Copy). Camera, microphone, geolocation, notifications, MIDI, HID, serial, USB,
 * screen capture, clipboard reading, pointer lock and the rest are never asked for by the
 * app, so a request for any of them means something other than the app is asking.
 */
export const grantedPermissions: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/**
 * Whether Electron's permission request and check handlers grant `permission`, asked by
 * a page at `requester` (a URL for requests, an origin for checks): only the app's own
 * pages, and only what the app uses.
 */
export function permissionDecision(permission: string, requester: string): boolean {
  return grantedPermissions.has(permission) && (requester === appOrigin || isAppUrl(requester));
}

/**
 * Whether the View menu offers Developer Tools: while developing, yes; in a packaged
 * build, no, so a user cannot be talked into pasting code into a console holding the
 * cache's patient data.
 */
export function offersDevTools(isPackaged: boolean): boolean {
  return !isPackaged;
}
