import fs from 'node:fs';
import path from 'node:path';
import { studyQuerySchema, type StudySummary } from '../../src-shared/domain/studies';
import { resolveDirs } from '../platform/paths';
import { databaseFileName, openCacheDatabase } from '../studies/cache/database';
import { studyPage } from '../studies/cache/study-queries';
import { UsageError, type CliCommand } from './command';
import { cacheOption, parseCommandArgs } from './common-options';

/** Accepts YYYYMMDD or YYYY-MM-DD, as people type dates both ways. */
export function parseDateOption(name: string, value: string | undefined, commandName = 'studies'): string | undefined {
  if (value === undefined) return undefined;
  const compact = value.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$1$2$3');
  const month = Number(compact.slice(4, 6));
  const day = Number(compact.slice(6, 8));
  if (!/^\d{8}$/.test(compact) || month < 1 || month > 12 || day < 1 || day > 31) {
    throw new UsageError(`${commandName}: --${name} must be a date as YYYY-MM-DD or YYYYMMDD, not "${value}".`);
  }
  return compact;
}

function displayDate(dicomDate: string): string {
  return /^\d{8}$/.test(dicomDate) ? `${dicomDate.slice(0, 4)}-${dicomDate.slice(4, 6)}-${dicomDate.slice(6, 8)}` : dicomDate;
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** A plain fixed-width table: readable in a terminal, and greppable. */
export function formatStudyTable(studies: StudySummary[]): string {
  const header = ['Patient', 'Patient ID', 'Date', 'Modality', 'Description', 'Series', 'Images', 'Study Instance UID'];
  const rows = studies.map((study) => [
    clip(study.patientName.replace(/\^+/g, ' ').trim(), 28),
    clip(study.patientId, 16),
    displayDate(study.studyDate),
    study.modalities.join(','),
    clip(study.studyDescription, 32),
    String(study.seriesCount),
    String(study.instanceCount),
    study.studyInstanceUid,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = new Set([5, 6]);
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export const studiesCommand: CliCommand = {
  name: 'studies',
  summary: 'List the studies in the cache, with search and filters',
  usage: `radstation studies [--cache DIR] [--search TEXT] [--modality M] [--from DATE] [--to DATE] [--json]

  --search TEXT   words matched against patient name and ID, accession, descriptions
  --modality M    only studies with a series of this modality (CT, MR, …)
  --from DATE     studies on or after this date (YYYY-MM-DD or YYYYMMDD)
  --to DATE       studies on or before this date
  --json          print one JSON document: {"studies": [...], "total": N}; at most 10,000 studies are listed, total counts all`,
  async run(args, io) {
    const { values } = parseCommandArgs('studies', args, {
      ...cacheOption,
      search: { type: 'string' },
      modality: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    const query = studyQuerySchema.safeParse({
      text: values.search,
      modality: values.modality,
      from: parseDateOption('from', values.from),
      to: parseDateOption('to', values.to),
      limit: 10_000,
    });
    if (!query.success) throw new UsageError(`studies: ${query.error.issues[0]?.message ?? 'invalid options'}.`);
    if (query.data.from && query.data.to && query.data.from > query.data.to) throw new UsageError('studies: --from is after --to.');
    const { cacheDir } = resolveDirs({ cacheDir: values.cache });
    // Listing never creates a cache: a folder without one simply has no studies.
    let studies: StudySummary[] = [];
    let total = 0;
    if (fs.existsSync(path.join(cacheDir, databaseFileName))) {
      const db = openCacheDatabase(cacheDir);
      try {
        ({ studies, total } = studyPage(db, query.data));
      } finally {
        db.close();
      }
    }
    if (values.json) {
      io.out(JSON.stringify({ studies, total }));
    } else if (studies.length === 0) {
      io.out(fs.existsSync(path.join(cacheDir, databaseFileName)) ? 'No studies match.' : `No study cache in ${cacheDir} yet.`);
    } else {
      io.out(formatStudyTable(studies));
      io.out(
        total > studies.length
          ? `${studies.length} of ${total} studies: refine with --search, --modality, --from or --to`
          : `${studies.length} ${studies.length === 1 ? 'study' : 'studies'}`,
      );
    }
    return 0;
  },
};
