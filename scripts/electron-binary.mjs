// Finds the Electron executable, or explains why there is none. Shared by `npm start` and the Electron E2E test.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** @returns {{ path: string } | { reason: string }} */
export function findElectronBinary() {
  if (process.env.RADSTATION_ELECTRON_PATH) {
    return existsSync(process.env.RADSTATION_ELECTRON_PATH)
      ? { path: process.env.RADSTATION_ELECTRON_PATH }
      : { reason: `RADSTATION_ELECTRON_PATH points at ${process.env.RADSTATION_ELECTRON_PATH}, which does not exist` };
  }
  let binary;
  try {
    binary = require('electron');
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { reason: `no Electron binary is installed (${detail}); it downloads during npm install on a machine with network` };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { reason: 'the electron package is present but its binary is missing' };
  return { path: binary };
}
