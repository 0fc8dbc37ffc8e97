import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import dicomParser from 'dicom-parser';
import type { RunningHost } from './fixtures';

/** Imports files or folders with the CLI into the host's cache, linked in place, as a user would. */
export function importLinked(host: RunningHost, paths: string[]): { instances: number; duplicates: number } {
  const report = execFileSync(process.execPath, host.cliArgs(['import', ...paths, '--link', '--json']), { encoding: 'utf8' });
  const parsed = JSON.parse(report.trim().split('\n').pop() ?? '{}') as { instances?: number; duplicates?: number };
  return { instances: parsed.instances ?? 0, duplicates: parsed.duplicates ?? 0 };
}

/** A file's Study Instance UID, read with dicom-parser (not the app). */
export function studyUidOf(file: string): string {
  const bytes = fs.readFileSync(file);
  return dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x0020000e' }).string('x0020000d') ?? '';
}
