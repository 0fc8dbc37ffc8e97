import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { resolveDirs } from '../platform/paths';
import { databaseFileName, openCacheDatabase } from '../studies/cache/database';
import { runImport } from '../studies/import/run-import';
import type { PixelRect } from '../deid/clean-pixels';
import { markDeidentifiedStudies } from '../deid/deidentified-studies';
import { deidentifyExport, type DeidentifyExportReport } from '../deid/deidentify-export';
import { studyFiles } from '../deid/deidentify-job';
import { optionCliNames, parseOptionNames } from '../deid/options';
import { checkProjectName } from '../deid/project-secret';
import { UsageError, type CliCommand } from './command';
import { cacheOption, parseCommandArgs } from './common-options';

function parseRect(text: string): PixelRect {
  const parts = text.split(',').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isFinite(part) || part < 0)) {
    throw new UsageError(`deidentify: --blackout takes X,Y,WIDTH,HEIGHT in pixels, not "${text}".`);
  }
  const [x = 0, y = 0, width = 0, height = 0] = parts;
  return { x, y, width, height };
}

function usageFailure(error: unknown): UsageError {
  return new UsageError(`deidentify: ${error instanceof Error ? error.message : String(error)}.`);
}

function resolveInputs(cacheDir: string, studies: readonly string[], paths: readonly string[]): string[] {
  if (studies.length === 0) return [...paths];
  if (!fs.existsSync(path.join(cacheDir, databaseFileName))) throw new UsageError(`deidentify: no study cache in ${cacheDir}.`);
  const db = openCacheDatabase(cacheDir, { readonly: true });
  try {
    return [...studyFiles(db, cacheDir, studies), ...paths];
  } catch (error) {
    throw usageFailure(error);
  } finally {
    db.close();
  }
}

export const deidentifyCommand: CliCommand = {
  name: 'deidentify',
  summary: 'Write de-identified copies of studies or files (DICOM PS3.15 Basic Profile and its options)',
  usage: [
    'radstation deidentify (--study UID… | PATH…) --out (DIR | FILE.zip) [--dicomdir] [--option NAME]… [--project NAME]',
    '                      [--cache DIR] [--confirm-clean SOP_UID|all]… [--blackout X,Y,W,H]… [--into-cache] [--json]',
    '',
    '  --study UID          a study in the cache (repeatable); PATHs are files or folders',
    '  --out DIR            where the de-identified files go, as DIR/<study>/<series>/<instance>.dcm;',
    '                       a name ending in .zip writes one zip archive instead of a folder',
    '  --dicomdir           name the files as removable media do (DICOM/STnnnnnn/SEnnnnnn/IMnnnnnn) and write',
    '                       a DICOMDIR at the root beside them (the folder must hold no DICOMDIR or DICOM yet)',
    `  --option NAME        ${Object.values(optionCliNames).join(', ')}`,
    '  --project NAME       de-identification project (default "default"): the same UID maps to the same',
    '                       new UID in every job of a project; its secret stays in the cache folder',
    '  --confirm-clean UID  include an image flagged for burned-in text after checking it has none ("all": every one)',
    '  --blackout X,Y,W,H   include flagged images after blacking out this rectangle (Clean Pixel Data)',
    '  --into-cache         also import the output into the cache as a new, de-identified study',
    '  --json               print only the report as one JSON line',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'deidentify',
      args,
      {
        ...cacheOption,
        study: { type: 'string', multiple: true },
        out: { type: 'string' },
        option: { type: 'string', multiple: true },
        project: { type: 'string' },
        'confirm-clean': { type: 'string', multiple: true },
        blackout: { type: 'string', multiple: true },
        'into-cache': { type: 'boolean' },
        dicomdir: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      true,
    );
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    const studies = values.study ?? [];
    if (studies.length === 0 && positionals.length === 0) throw new UsageError("deidentify: give --study UID or at least one file or folder. See 'radstation deidentify --help'.");
    if (!values.out) throw new UsageError('deidentify: --out DIR is required.');
    let options;
    let project: string;
    try {
      options = parseOptionNames(values.option ?? []);
      project = checkProjectName(values.project ?? 'default');
    } catch (error) {
      throw usageFailure(error);
    }
    const confirm = values['confirm-clean'] ?? [];
    const { cacheDir } = resolveDirs({ cacheDir: values.cache });
    const paths = resolveInputs(cacheDir, studies, positionals);
    const format = values.out.toLowerCase().endsWith('.zip') ? 'zip' : 'folder';
    let exported: DeidentifyExportReport;
    try {
      exported = await deidentifyExport({
        cacheDir,
        paths,
        outDir: values.out,
        options,
        project,
        burnedIn: { confirmClean: confirm.includes('all') ? 'all' : confirm, cleanRects: (values.blackout ?? []).map(parseRect) },
        format,
        dicomdir: values.dicomdir ?? false,
      });
    } catch (error) {
      if (error instanceof Error && /already holds a|is not a file/.test(error.message)) throw usageFailure(error);
      throw error;
    }
    // The list of written files is for the DICOMDIR and zip writers; the report stays short.
    const { outputs: _outputs, ...rest } = exported;
    const report: Omit<DeidentifyExportReport, 'outputs'> & { imported?: { instances: number; studies: string[] } } = rest;
    if (values['into-cache'] && report.written > 0) {
      const finished = await runImport({ importId: randomUUID(), cacheDir, paths: [report.outDir], mode: 'copy' });
      if (finished.status === 'failed') throw new Error(`the de-identified files were written to ${report.outDir} but not imported: ${finished.message ?? 'unknown error'}`);
      const newStudies = report.studies.map((study) => study.deidentified);
      markDeidentifiedStudies(cacheDir, newStudies, { project, options: report.options, at: new Date().toISOString() });
      report.imported = { instances: finished.report.instances, studies: newStudies };
    }
    if (values.json) {
      io.out(JSON.stringify(report));
      return 0;
    }
    io.out(`De-identified ${report.written} of ${report.files} files into ${report.outDir} (project "${project}"; options: ${report.options.join(', ') || 'none'}).`);
    if (report.dicomdir) io.out(`DICOMDIR indexes ${report.dicomdir.indexed} files.`);
    for (const item of report.dicomdir?.notIndexed ?? []) io.out(`not in the DICOMDIR: ${item.file}: ${item.reason}`);
    for (const item of report.burnedIn) io.out(`included after burned-in check (${item.how}): ${item.path}`);
    for (const item of report.excluded) io.out(`excluded: ${item.path}: ${item.reason}`);
    if (report.imported) io.out(`Imported ${report.imported.instances} instances into the cache as de-identified studies ${report.imported.studies.join(', ')}.`);
    return 0;
  },
};
