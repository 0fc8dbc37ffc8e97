/**
 * The desktop app's own origin, served by protocol.ts. Kept free of Electron imports
 * because the sandboxed preload bundles it too.
 */
export const appScheme = 'radstation';
export const appOrigin = `${appScheme}://app`;
