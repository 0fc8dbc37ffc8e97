import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Debian's interpreter, which has pydicom and numpy; the python3 first on a developer's PATH may not. */
export const debianPython = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Runs a Python snippet with arguments and parses the JSON it prints. */
export function runPythonJson<T>(script: string, args: string[] = []): T {
  const output = execFileSync(debianPython, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(output) as T;
}
