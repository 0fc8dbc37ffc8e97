// Type-checks everything: the TypeScript sources (and each layer alone, with its own types), the plain-JS launchers and scripts (checkJs),
// and the Electron-only files where the electron package (and its .d.ts) is installed.
//
// The Electron-only files are the ones tsconfig.electron.json includes beyond src-shared: the
// glue in src-main/app and the Electron E2E spec. They need Electron's types, which come with the
// electron package; a plain `npm install` with no network drops that optional package (its binary
// cannot be downloaded), so those files are left out then, and said to be. tsconfig.json must
// exclude exactly them, or the main check would fail without the package: checked here first.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** @param {string} file @returns {{ include?: string[], exclude?: string[] }} */
const readConfig = (file) => JSON.parse(readFileSync(file, 'utf8'));

const electronOnly = (readConfig('tsconfig.electron.json').include ?? []).filter((entry) => entry !== 'src-shared');
const excludedFromMain = readConfig('tsconfig.json').exclude ?? [];
const notExcluded = electronOnly.filter((entry) => !excludedFromMain.includes(entry));
if (notExcluded.length > 0) {
  console.error(`typecheck: tsconfig.json must exclude the Electron-only files of tsconfig.electron.json: ${notExcluded.join(', ')}`);
  process.exit(1);
}

/** @param {string} project */
const tsc = (project) => spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' }).status ?? 1;

// tsconfig.json checks everything with every platform's types (tests and benchmarks need both);
// the layer configurations then check each layer with only its own platform's types: no DOM in
// the main process, no Node in the renderer, neither in the shared layer.
let status = tsc('tsconfig.json');
for (const layer of ['tsconfig.shared.json', 'tsconfig.main.json', 'tsconfig.renderer.json']) status ||= tsc(layer);
status ||= tsc('tsconfig.scripts.json');
if (existsSync('node_modules/electron/electron.d.ts')) {
  status ||= tsc('tsconfig.electron.json');
} else {
  console.log(`typecheck: skipped the Electron-only files (${electronOnly.join(', ')}): the electron package is not installed, so its types are absent.`);
}
process.exit(status);
