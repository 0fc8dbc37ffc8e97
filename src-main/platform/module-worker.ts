import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** tsx's ESM register API; require.resolve alone would give its CommonJS build, which cannot register ESM hooks. */
function tsxEsmApiUrl(fromModuleUrl: string): string {
  const packageJson = createRequire(fromModuleUrl).resolve('tsx/package.json');
  const manifest = JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  return pathToFileURL(path.join(path.dirname(packageJson), manifest.exports?.['./esm/api']?.import?.default ?? 'dist/esm/api/index.mjs')).href;
}

export interface WorkerModule {
  /** The caller's import.meta.url: the worker is looked up relative to it. */
  readonly callerUrl: string;
  /** The worker's TypeScript source, relative to the caller (used when running from source). */
  readonly sourcePath: string;
  /** The file name Vite emits for it in out/main/ (an extra input in vite.main.config.ts). */
  readonly builtFileName: string;
}

/**
 * Starts a worker thread on a module that is TypeScript in development and JavaScript in
 * the built app. From source, Node 20 ignores `--import tsx` in a Worker's execArgv, so a
 * small bootstrap registers tsx's loader inside the worker and then imports the entry.
 * Built, the entry sits in out/main/ while its caller may be in out/main/chunks/.
 */
export function startModuleWorker(module: WorkerModule, options: Omit<WorkerOptions, 'eval'>): Worker {
  const here = path.dirname(fileURLToPath(module.callerUrl));
  if (module.callerUrl.endsWith('.ts')) {
    const entry = pathToFileURL(path.join(here, module.sourcePath)).href;
    const bootstrap = `import(${JSON.stringify(tsxEsmApiUrl(module.callerUrl))}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(bootstrap, { ...options, eval: true });
  }
  const candidates = [path.join(here, module.builtFileName), path.join(here, '..', module.builtFileName)];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`The worker ${module.builtFileName} is missing from the build (looked in ${here}); rebuild with 'npm run build'.`);
  return new Worker(found, options);
}
