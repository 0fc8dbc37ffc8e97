// The layering rules, enforced the way VS Code enforces its common/node/browser folders:
// - src-shared is pure: no Node built-ins, no DOM, no Electron, no React, no Cornerstone, and
//   nothing from either process. Both processes import it, so it must run in both.
// - src-renderer runs in a browser (or Electron's sandboxed renderer): no Node built-ins, no
//   Electron, nothing from src-main. It reaches the services only through the contract's API object.
// - src-main never imports src-renderer: the services know nothing of the UI.
// - Within the renderer, the AI panels (src-renderer/panels) reach the viewer only through
//   src-renderer/viewer/services.ts, as OHIF's extensions use its services, and the viewer
//   imports no panel: it hosts the side bar (viewer/panel-host) and learns of panels from the registry.
// Only these boundary rules are checked here; type errors are tsc's job (`npm run typecheck`).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...new Set(builtinModules.flatMap((name) => [name, `node:${name}`]))];

/** @param {string} why @param {string[]} groups */
const forbid = (why, groups) => ({ group: groups, message: why });

const fromMain = forbid('src-main is the main process: reach it through the contract (src-shared/contract).', ['**/src-main', '**/src-main/**']);
const fromRenderer = forbid('src-renderer is the UI: the main process and the shared layer must not depend on it.', ['**/src-renderer', '**/src-renderer/**']);
const electron = forbid('Electron is only for src-main/app.', ['electron', 'electron/**']);
const viewerInternals = forbid(
  'Panels reach the viewer only through src-renderer/viewer/services.ts; add what a panel needs there.',
  ['**/viewer/*', '**/viewer/*/**', '!**/viewer/services', '!**/viewer/services.ts'],
);
const fromPanels = forbid('The viewer imports no panel: panels register themselves (panels/all-panels.ts) and use viewer/services.ts.', ['**/panels', '**/panels/**']);

/** The renderer's rule, with the extra patterns of one of its folders (a later config replaces the rule whole). */
const rendererImports = (/** @type {ReturnType<typeof forbid>[]} */ ...extra) => [
  'error',
  {
    paths: nodeBuiltins.map((name) => ({ name, message: 'src-renderer runs in a browser: no Node built-ins.' })),
    patterns: [fromMain, electron, ...extra],
  },
];

/** Browser globals the shared layer must not touch: it also runs in Node, where they do not exist. */
const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement', 'HTMLCanvasElement', 'Image', 'XMLHttpRequest', 'location'].map((name) => ({
  name,
  message: 'src-shared is pure: no DOM. Pass what you need in as a parameter.',
}));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  {
    files: ['src-shared/**/*.{ts,tsx}', 'src-main/**/*.{ts,tsx}', 'src-renderer/**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  {
    files: ['src-shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'src-shared is pure: no Node built-ins (no I/O). Keep I/O in src-main.' })),
          patterns: [
            fromMain,
            fromRenderer,
            electron,
            forbid('src-shared is pure: no React or Cornerstone (UI code belongs in src-renderer).', ['react', 'react/**', 'react-dom', 'react-dom/**', '@cornerstonejs/**']),
          ],
        },
      ],
      'no-restricted-globals': ['error', ...domGlobals, { name: 'process', message: 'src-shared is pure: no Node globals.' }, { name: 'Buffer', message: 'src-shared is pure: use Uint8Array, not Buffer.' }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': rendererImports() },
  },
  {
    files: ['src-renderer/panels/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': rendererImports(viewerInternals) },
  },
  {
    files: ['src-renderer/viewer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': rendererImports(fromPanels) },
  },
  {
    files: ['src-main/**/*.{ts,tsx}'],
    ignores: ['src-main/app/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [fromRenderer, electron] }] },
  },
  {
    files: ['src-main/app/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [fromRenderer] }] },
  },
);
