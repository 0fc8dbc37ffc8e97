import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where `node --import tsx` resolves tsx from. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Arguments that run the CLI from source in a real child process (no build needed). */
export function cliArgs(...args: string[]): string[] {
  return ['--import', 'tsx', path.join(repoRoot, 'src-main', 'cli', 'cli-entry.ts'), ...args];
}
