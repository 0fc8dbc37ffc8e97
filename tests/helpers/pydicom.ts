import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Runs a short script in Debian's Python, which has pydicom and numpy, and parses the
 * JSON it prints. Tests use it to compute expected values independently of the code
 * under test. Null when that interpreter or pydicom is not installed, so a test can
 * skip saying why instead of failing for the wrong reason.
 */
export const pythonWithPydicom = '/usr/bin/python3';

export function pydicomAvailable(): boolean {
  if (!fs.existsSync(pythonWithPydicom)) return false;
  try {
    execFileSync(pythonWithPydicom, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function runPydicom<T>(script: string, args: string[] = []): T {
  const output = execFileSync(pythonWithPydicom, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(output) as T;
}
