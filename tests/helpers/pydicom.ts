import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pydicom_reading.py');
/** Debian's interpreter, which has pydicom; the python3 on PATH may be another one. */
export const pythonWithPydicom = process.env.RADSTATION_PYTHON ?? '/usr/bin/python3';

/** Why pydicom cannot be used here, or undefined when it can. */
export function pydicomUnavailable(): string | undefined {
  if (!fs.existsSync(pythonWithPydicom)) return `${pythonWithPydicom} is missing`;
  const probe = spawnSync(pythonWithPydicom, ['-c', 'import pydicom'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `pydicom cannot be imported by ${pythonWithPydicom}: ${probe.stderr.trim().split('\n').pop()}`;
}

/** Runs the independent pydicom reading (tests/helpers/pydicom_reading.py) and parses its JSON. */
export function readWithPydicom<T>(mode: 'uids' | 'names' | 'fields' | 'dicomdir', paths: string[]): T {
  const result = spawnSync(pythonWithPydicom, [script, mode, ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`pydicom reading failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export interface PydicomUids {
  sop: string | null;
  study: string | null;
  series: string | null;
}

/** True when pydicom and numpy can be used; tests that need them skip, saying why, when not. */
export function pydicomAvailable(): boolean {
  if (pydicomUnavailable() !== undefined) return false;
  return spawnSync(pythonWithPydicom, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

/**
 * Runs a short inline script with pydicom and parses the JSON it prints: expected
 * values computed independently of the code under test.
 */
export function runPydicom<T>(inlineScript: string, args: string[] = []): T {
  const output = execFileSync(pythonWithPydicom, ['-c', inlineScript, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(output) as T;
}
