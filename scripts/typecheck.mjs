// Type-checks everything: the TypeScript sources, the plain-JS launchers and scripts (checkJs),
// and the Electron glue where the electron package (and its .d.ts) is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** @param {string} project */
const tsc = (project) => spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' }).status ?? 1;

let status = tsc('tsconfig.json');
status ||= tsc('tsconfig.scripts.json');
if (existsSync('node_modules/electron/electron.d.ts')) {
  status ||= tsc('tsconfig.electron.json');
} else {
  console.log('typecheck: skipped src-main/app (the Electron glue): the electron package is not installed, so its types are absent.');
}
process.exit(status);
