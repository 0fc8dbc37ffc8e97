import fs from 'node:fs';
import path from 'node:path';
import { projectsDir } from './project-secret';

/** A de-identified study that was put in the cache, with how it was made. */
export interface DeidentifiedStudyRecord {
  project: string;
  options: string[];
  at: string;
}

function registryFile(cacheDir: string): string {
  return path.join(projectsDir(cacheDir), 'deidentified-studies.json');
}

export function readDeidentifiedStudies(cacheDir: string): Record<string, DeidentifiedStudyRecord> {
  try {
    const parsed = JSON.parse(fs.readFileSync(registryFile(cacheDir), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, DeidentifiedStudyRecord>) : {};
  } catch {
    return {};
  }
}

/** True for a study the cache holds as de-identified: reports and exports must not name anyone for it. */
export function isDeidentifiedStudy(cacheDir: string, studyInstanceUid: string): boolean {
  return studyInstanceUid in readDeidentifiedStudies(cacheDir);
}

/** Marks studies as de-identified (the cache's tables belong to the import pipeline, so the mark lives beside them). */
export function markDeidentifiedStudies(cacheDir: string, studyInstanceUids: readonly string[], record: DeidentifiedStudyRecord): void {
  const registry = readDeidentifiedStudies(cacheDir);
  for (const uid of studyInstanceUids) registry[uid] = record;
  const file = registryFile(cacheDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(`${file}.partial`, `${JSON.stringify(registry, null, 1)}\n`);
  fs.renameSync(`${file}.partial`, file);
}
