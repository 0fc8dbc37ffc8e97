import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The folder holding Radstation's package.json, found by walking up from this module,
 * so the answer is the same from src-main/ (tests), out/main/ (built) or an asar.
 */
export function appRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth += 1) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (manifest.name === 'radstation') return (cachedRoot = dir);
    } catch {
      // not here; keep walking up
    }
    dir = path.dirname(dir);
  }
  throw new Error('Cannot find the Radstation installation folder (no package.json named "radstation" above this module).');
}

export function appPackage(): { version: string; productName: string } {
  const manifest = JSON.parse(readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as Record<string, unknown>;
  return { version: String(manifest.version ?? 'unknown'), productName: String(manifest.productName ?? 'Radstation') };
}

/** The built renderer (npm run build writes it). */
export function rendererDir(): string {
  return path.join(appRoot(), 'out', 'renderer');
}

/** Bundles that ship with the app. */
export function shippedModelsDir(): string {
  return path.join(appRoot(), 'models');
}
