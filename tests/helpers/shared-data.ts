import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The project's shared, real test data, read in place (never copied into the repo).
 * It sits beside the project; RADSTATION_SHARED_DATA overrides that for other layouts.
 */
export const sharedDataDir = path.resolve(process.env.RADSTATION_SHARED_DATA ?? path.join(here, '..', '..', '..', 'shared', 'data'));

export function sharedDataPath(...parts: string[]): string {
  const full = path.join(sharedDataDir, ...parts);
  if (!fs.existsSync(full)) throw new Error(`Shared test data missing: ${full} (set RADSTATION_SHARED_DATA to its folder).`);
  return full;
}
