import { randomUUID } from 'node:crypto';
import type { StorageMode } from '../../src-shared/domain/imports';
import { resolveDirs } from '../platform/paths';
import { runImport } from '../studies/import/run-import';
import { UsageError, type CliCommand } from './command';
import { cacheOption, parseCommandArgs } from './common-options';

function storageMode(copy: boolean | undefined, link: boolean | undefined): StorageMode {
  if (copy && link) throw new UsageError('import: choose one of --copy and --link, not both.');
  return link ? 'link' : 'copy';
}

/** Test hook only (kill-mid-import tests): a pause after each file, in milliseconds. */
function delayFromEnvironment(): number | undefined {
  const value = Number(process.env.RADSTATION_IMPORT_DELAY_MS);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function batchFromEnvironment(): number | undefined {
  const value = Number(process.env.RADSTATION_IMPORT_BATCH);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Helper threads beside the importing one (0 prepares every file on one thread); unset lets the import choose by core count. */
function helpersFromEnvironment(): number | undefined {
  const setting = process.env.RADSTATION_IMPORT_HELPERS?.trim();
  const value = Number(setting);
  return setting && Number.isInteger(value) && value >= 0 ? value : undefined;
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import DICOM files, folders, DICOMDIRs or zips into the study cache',
  usage: [
    'radstation import <paths…> [--cache DIR] [--copy|--link] [--json]',
    '',
    '  --copy   copy files into the cache (default)',
    '  --link   reference files where they are (read-only media); zip entries are still copied',
    '  --json   print only the report, as one JSON line',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'import',
      args,
      { ...cacheOption, copy: { type: 'boolean' }, link: { type: 'boolean' }, json: { type: 'boolean' } },
      true,
    );
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError("import: give at least one file, folder, DICOMDIR or zip. See 'radstation import --help'.");
    const mode = storageMode(values.copy, values.link);
    const { cacheDir } = resolveDirs({ cacheDir: values.cache });
    const finished = await runImport({
      importId: randomUUID(),
      cacheDir,
      paths: positionals,
      mode,
      delayPerFileMs: delayFromEnvironment(),
      batchSize: batchFromEnvironment(),
      helperThreads: helpersFromEnvironment(),
    });
    if (finished.status === 'failed') throw new Error(`import failed: ${finished.message ?? 'unknown error'}`);
    const { report } = finished;
    if (values.json) {
      io.out(JSON.stringify(report));
      return 0;
    }
    io.out(
      `Imported ${report.instances} new instances (${report.studies} studies, ${report.series} series) from ${report.files} files in ${report.seconds.toFixed(1)} s; ` +
        `${report.duplicates} duplicates, ${report.conflicts.length} conflicts, ${report.failed.length} failed.`,
    );
    for (const conflict of report.conflicts) io.out(`conflict: ${conflict.path}: ${conflict.sopInstanceUid}: ${conflict.reason}`);
    for (const failure of report.failed) io.out(`failed: ${failure.path}: ${failure.reason}`);
    return 0;
  },
};
