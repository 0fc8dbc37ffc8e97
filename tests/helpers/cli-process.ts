import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where `node --import tsx` resolves tsx from. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Arguments that run the CLI from source in a real child process (no build needed). */
export function cliArgs(...args: string[]): string[] {
  return ['--import', 'tsx', path.join(repoRoot, 'src-main', 'cli', 'cli-entry.ts'), ...args];
}

export interface CliExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source to its exit, keeping what it printed on each stream. */
export function runCliToExit(args: string[]): Promise<CliExit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, cliArgs(...args), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
