import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ServiceError } from '../../src-shared/contract/errors';
import type { deidentifyOptionNames } from '../../src-shared/contract/deidentify';
import { dcmjsData } from '../dicom/dcmjs';
import { adoptFiles } from '../studies/import/adopt-files';
import type { ImportService } from '../studies/import/import-service';
import { resolveStoredPath } from '../studies/cache/stored-files';
import { instanceFilePath } from '../studies/cache/study-queries';
import { burnedInReason } from './burned-in';
import { stringValues, type DcmjsElement, type DcmjsElementMap } from './dataset-access';
import { markDeidentifiedInCache } from './deidentified-studies';
import { deidentifyElements } from './deidentify-elements';
import { deidentifyExport } from './deidentify-export';
import type { HeldBackImage } from '../../src-shared/contract/deidentify';
import { heldBackForBurnedIn } from './deidentify-instance';
import { exportDownloadName, newExportFile, pruneExports, resolveExportFile } from './deidentified-exports';
import { collectFiles, deidentifyFiles, studyFiles, type BurnedInChoice, type DeidentifyReport } from './deidentify-job';
import { KeyedValues } from './keyed-values';
import { chosenAction, parseOptionNames, resolveCombined } from './options';
import { profileRowFor } from './profile-table';
import { projectSecret } from './project-secret';
import { identityWords } from './text-scrub';

type OptionName = (typeof deidentifyOptionNames)[number];

function display(element: DcmjsElement | undefined): string {
  if (!element) return '';
  if (element.vr === 'SQ') return `${element.Value?.length ?? 0} item(s)`;
  const binary = element.Value?.find((value) => value instanceof ArrayBuffer);
  if (binary instanceof ArrayBuffer) return `${binary.byteLength} bytes`;
  return stringValues(element).join('\\');
}

export interface DeidentifyCallRequest {
  studyInstanceUids: string[];
  options: OptionName[];
  project: string;
  burnedIn: BurnedInChoice;
  /** Into the cache (default) or into a zip archive to download. */
  output?: 'cache' | 'zip';
  dicomdir?: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A reason as the renderer may see it: any path inside the cache (a stored file, the staging
 * folder) cut to its last name, since a reason can quote one (an earlier copy, a read error).
 */
function withoutHostPaths(text: string, cacheDir: string): string {
  const root = path.resolve(cacheDir);
  return text.replace(new RegExp(`${escapeRegExp(root)}[^\\s'",;)]*`, 'g'), (found) => path.basename(found));
}

/** The reply the renderer gets: file names only, never a path on this machine. */
function browserReport(report: DeidentifyReport, cacheDir: string, missing: readonly string[] = []) {
  return {
    files: report.files + missing.length,
    written: report.written,
    excluded: [
      ...missing.map((file) => ({ file: path.basename(file), reason: 'its file in the cache is missing (moved or deleted since it was imported)' })),
      ...report.excluded.map((item) => ({ file: path.basename(item.path), reason: withoutHostPaths(item.reason, cacheDir) })),
    ],
    burnedIn: report.burnedIn.map((item) => ({ file: path.basename(item.path), how: item.how })),
    options: report.options,
    project: report.project,
    studies: report.studies,
  };
}

/** De-identification for the study browser: into the cache or a zip to download, and a per-attribute preview. */
export function createDeidentifyService(db: Database.Database, cacheDir: string, imports: ImportService) {
  pruneExports(cacheDir);
  const toZip = async (request: DeidentifyCallRequest, paths: string[], missing: string[]) => {
    pruneExports(cacheDir);
    const { exportId, file } = newExportFile(cacheDir);
    const report = await deidentifyExport({ cacheDir, paths, outDir: file, options: parseOptionNames(request.options), project: request.project, burnedIn: request.burnedIn, format: 'zip', dicomdir: request.dicomdir ?? false });
    if (report.written === 0) {
      fs.rmSync(file, { force: true });
      return browserReport(report, cacheDir, missing);
    }
    return { ...browserReport(report, cacheDir, missing), download: { exportId, fileName: exportDownloadName(exportId), bytes: report.zip?.bytes ?? fs.statSync(file).size } };
  };
  return {
    async deidentify(request: DeidentifyCallRequest) {
      let paths: string[];
      try {
        paths = studyFiles(db, cacheDir, request.studyInstanceUids);
      } catch (error) {
        throw new ServiceError('not-found', error instanceof Error ? error.message : String(error));
      }
      // A stored file that has gone is one excluded file, not a failed job (nor a path in an error).
      const missing = paths.filter((file) => !fs.existsSync(file));
      paths = paths.filter((file) => !missing.includes(file));
      if (request.output === 'zip') return toZip(request, paths, missing);
      const staging = path.join(cacheDir, 'deid-staging', randomUUID());
      try {
        const report = await deidentifyFiles({ cacheDir, paths, outDir: staging, options: parseOptionNames(request.options), project: request.project, burnedIn: request.burnedIn });
        if (report.written > 0) {
          // The written files enter the cache's store through the import, like any other file.
          await adoptFiles(imports, cacheDir, collectFiles([staging]));
          markDeidentifiedInCache(db, report.studies.map((study) => study.deidentified), { project: request.project, options: report.options, at: new Date().toISOString() });
        }
        return browserReport(report, cacheDir, missing);
      } finally {
        fs.rmSync(staging, { recursive: true, force: true });
      }
    },

    /** The studies' images held back for burned-in text, for the user to black out areas on or confirm. */
    burnedInImages(studyInstanceUids: string[]): { images: HeldBackImage[] } {
      let paths: string[];
      try {
        paths = studyFiles(db, cacheDir, studyInstanceUids);
      } catch (error) {
        throw new ServiceError('not-found', error instanceof Error ? error.message : String(error));
      }
      const images: HeldBackImage[] = [];
      for (const file of paths) {
        try {
          const image = heldBackForBurnedIn(fs.readFileSync(file));
          if (image) images.push(image);
        } catch {
          // A missing or unreadable file is reported by the de-identification itself, with its reason.
        }
      }
      return { images };
    },

    /** The archive of a zip export, for the hosts' download route; undefined when unknown or expired. */
    exportFile(exportId: string): string | undefined {
      return resolveExportFile(cacheDir, exportId);
    },

    preview(sopInstanceUid: string, optionNames: OptionName[]) {
      const stored = instanceFilePath(db, sopInstanceUid);
      if (stored === undefined) throw new ServiceError('not-found', `The cache has no instance with UID ${sopInstanceUid}.`);
      const bytes = fs.readFileSync(resolveStoredPath(cacheDir, stored));
      const read = () => dcmjsData.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).dict as DcmjsElementMap;
      // Read twice rather than cloned: dcmjs's elements carry accessor functions structuredClone refuses.
      const before = read();
      const after = read();
      const options = new Set(parseOptionNames(optionNames));
      const keyed = new KeyedValues(projectSecret(cacheDir, 'default'));
      const shift = options.has('retainLongModifiedDates') ? keyed.dateShiftDays(`preview:${sopInstanceUid}`) : undefined;
      deidentifyElements(after, { options, keyed, dateShiftDays: shift, identityWords: identityWords(before) });
      const attributes = Object.keys(before)
        .filter((tag) => tag !== '7FE00010')
        .map((tag) => {
          const row = profileRowFor(tag);
          return {
            tag: `(${tag.slice(0, 4)},${tag.slice(4)})`,
            name: row?.name ?? '',
            action: row ? resolveCombined(chosenAction(row, options)) : 'kept (not in the table)',
            before: display(before[tag]),
            after: after[tag] ? display(after[tag]) : null,
          };
        });
      return { attributes, burnedIn: burnedInReason(before, false) ?? null };
    },
  };
}
