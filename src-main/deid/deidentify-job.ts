import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { resolveStoredPath } from '../studies/cache/stored-files';
import type { PixelRect } from './clean-pixels';
import { deidentifyInstance, type BurnedInDecision } from './deidentify-instance';
import { KeyedValues } from './keyed-values';
import { optionCliNames } from './options';
import type { ProfileOption } from './profile-table';
import { projectSecret } from './project-secret';

/** How images that may carry burned-in text are treated: left out unless the user says otherwise. */
export interface BurnedInChoice {
  /** SOP Instance UIDs (or "all") the user has looked at and found free of burned-in text. */
  confirmClean?: readonly string[] | 'all';
  /** Rectangles blacked out in every flagged image (the Clean Pixel Data option). */
  cleanRects?: readonly PixelRect[];
  /** Rectangles for one flagged image, by its SOP Instance UID; they replace cleanRects for it. */
  cleanRectsByInstance?: Readonly<Record<string, readonly PixelRect[]>>;
}

export interface DeidentifyRequest {
  cacheDir: string;
  /** Files and folders (read recursively). */
  paths: readonly string[];
  outDir: string;
  options: readonly ProfileOption[];
  project: string;
  burnedIn?: BurnedInChoice;
  /**
   * How files are named under outDir: "uids" (default) as <study>/<series>/<instance>.dcm, or
   * "media" as DICOM/STnnnnnn/SEnnnnnn/IMnnnnnn, the File IDs removable media and a DICOMDIR need.
   */
  layout?: 'uids' | 'media';
}

export interface DeidentifyReport {
  files: number;
  written: number;
  excluded: Array<{ path: string; reason: string }>;
  /** Flagged images that were written anyway, and why the user let them through. */
  burnedIn: Array<{ path: string; how: 'cleaned' | 'confirmed' }>;
  options: string[];
  project: string;
  outDir: string;
  /** Each original study and the UID it now has. */
  studies: Array<{ original: string; deidentified: string }>;
  /** The files written, relative to outDir, in the order written. */
  outputs: string[];
}

/** Media-safe names: one number per study, per series in its study, per instance in its series. */
class MediaNames {
  private readonly studies = new Map<string, { name: string; series: Map<string, { name: string; count: number }> }>();

  next(study: string, series: string): string {
    const pad = (prefix: string, n: number) => `${prefix}${String(n).padStart(6, '0')}`;
    let studyEntry = this.studies.get(study);
    if (!studyEntry) {
      studyEntry = { name: pad('ST', this.studies.size + 1), series: new Map() };
      this.studies.set(study, studyEntry);
    }
    let seriesEntry = studyEntry.series.get(series);
    if (!seriesEntry) {
      seriesEntry = { name: pad('SE', studyEntry.series.size + 1), count: 0 };
      studyEntry.series.set(series, seriesEntry);
    }
    seriesEntry.count += 1;
    return path.join('DICOM', studyEntry.name, seriesEntry.name, pad('IM', seriesEntry.count));
  }
}

/** Every regular file under the given paths, in a stable order. */
export function collectFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (target: string) => {
    const stat = fs.statSync(target);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(target).sort()) visit(path.join(target, entry));
    } else if (stat.isFile()) files.push(target);
  };
  for (const target of paths) {
    if (!fs.existsSync(target)) throw new Error(`${target} does not exist`);
    visit(path.resolve(target));
  }
  return files;
}

/** The stored files of cached studies, for --study and the study browser. */
export function studyFiles(db: Database.Database, cacheDir: string, studyInstanceUids: readonly string[]): string[] {
  const query = db.prepare(
    'SELECT i.file_path AS file_path FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid WHERE s.study_instance_uid = ? ORDER BY s.series_instance_uid, i.instance_number, i.sop_instance_uid',
  );
  const files: string[] = [];
  for (const uid of studyInstanceUids) {
    const rows = query.all(uid) as Array<{ file_path: string }>;
    if (rows.length === 0) throw new Error(`the cache has no study with UID ${uid}`);
    for (const row of rows) files.push(resolveStoredPath(cacheDir, row.file_path));
  }
  return files;
}

function decisionFor(choice: BurnedInChoice | undefined): ((sopInstanceUid: string) => BurnedInDecision) | undefined {
  if (!choice) return undefined;
  return (sopInstanceUid) => {
    const own = choice.cleanRectsByInstance && Object.hasOwn(choice.cleanRectsByInstance, sopInstanceUid) ? choice.cleanRectsByInstance[sopInstanceUid] : undefined;
    if (own && own.length > 0) return { mode: 'clean-pixels', rects: [...own] };
    if (choice.cleanRects && choice.cleanRects.length > 0) return { mode: 'clean-pixels', rects: [...choice.cleanRects] };
    if (choice.confirmClean === 'all' || choice.confirmClean?.includes(sopInstanceUid)) return { mode: 'confirm-clean' };
    return { mode: 'exclude' };
  };
}

/**
 * De-identifies files into outDir/<study>/<series>/<instance>.dcm with the project's keyed
 * values. A file that cannot be read or may not be shared is listed with the reason; nothing
 * stops the batch, and the inputs are only read.
 */
export async function deidentifyFiles(request: DeidentifyRequest, onProgress?: (done: number, total: number) => void): Promise<DeidentifyReport> {
  const files = collectFiles(request.paths);
  const keyed = new KeyedValues(projectSecret(request.cacheDir, request.project));
  const settings = { options: new Set(request.options), keyed, burnedIn: decisionFor(request.burnedIn) };
  const outDir = path.resolve(request.outDir);
  const report: DeidentifyReport = {
    files: files.length,
    written: 0,
    excluded: [],
    burnedIn: [],
    options: request.options.map((option) => optionCliNames[option]),
    project: request.project,
    outDir,
    studies: [],
    outputs: [],
  };
  const media = request.layout === 'media' ? new MediaNames() : undefined;
  const writtenInstances = new Map<string, string>();
  const studies = new Map<string, string>();
  const writtenFrom = new Map<string, string>();
  for (const [index, file] of files.entries()) {
    if (path.resolve(file).startsWith(`${outDir}${path.sep}`)) {
      report.excluded.push({ path: file, reason: 'inside the output folder (never read back as input)' });
      continue;
    }
    try {
      const outcome = deidentifyInstance(fs.readFileSync(file), settings);
      if (outcome.kind === 'excluded') {
        report.excluded.push({ path: file, reason: outcome.reason });
      } else {
        const uidTarget = path.join(outDir, outcome.studyInstanceUid || 'study', outcome.seriesInstanceUid || 'series', `${outcome.sopInstanceUid}.dcm`);
        const earlier = media ? writtenInstances.get(outcome.sopInstanceUid) : writtenFrom.get(uidTarget);
        if (earlier !== undefined) {
          report.excluded.push({ path: file, reason: `the same instance (SOP Instance UID) as ${earlier}, already written` });
          continue;
        }
        const target = media ? path.join(outDir, media.next(outcome.studyInstanceUid, outcome.seriesInstanceUid)) : uidTarget;
        writtenFrom.set(uidTarget, file);
        writtenInstances.set(outcome.sopInstanceUid, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(`${target}.partial`, outcome.data);
        fs.renameSync(`${target}.partial`, target);
        report.written += 1;
        report.outputs.push(path.relative(outDir, target));
        if (outcome.burnedIn) report.burnedIn.push({ path: file, how: outcome.burnedIn });
        studies.set(outcome.original.studyInstanceUid, outcome.studyInstanceUid);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      report.excluded.push({ path: file, reason: `not a readable DICOM Part 10 file: ${message}` });
    } finally {
      onProgress?.(index + 1, files.length);
    }
    // Let other work (events, cancellation) run between files of a long job.
    if (index % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
  }
  report.studies = [...studies].map(([original, deidentified]) => ({ original, deidentified }));
  return report;
}
