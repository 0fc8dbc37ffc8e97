/** Where the Electron executable is, or why there is none. */
export function findElectronBinary(): { path: string } | { reason: string };
