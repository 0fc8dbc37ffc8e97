import { remoteQuerySchema, type RemoteSeries, type RemoteStudy } from '../../../src-shared/domain/network';
import { resolveDirs } from '../../platform/paths';
import { findNode, loadNetworkSettings } from '../../network/network-settings';
import { findSeries, findStudies } from '../../network/remote-queries';
import { UsageError, type CliCommand } from '../command';
import { cacheOption, parseCommandArgs } from '../common-options';
import { parseDateOption } from '../studies-command';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function studyTable(studies: RemoteStudy[]): string {
  return table(
    ['Patient', 'Patient ID', 'Date', 'Modality', 'Accession', 'Description', 'Series', 'Images', 'Study Instance UID'],
    studies.map((study) => [
      study.patientName.replace(/\^+/g, ' ').trim(),
      study.patientId,
      study.studyDate,
      study.modalities.join(','),
      study.accessionNumber,
      study.studyDescription,
      String(study.seriesCount ?? ''),
      String(study.instanceCount ?? ''),
      study.studyInstanceUid,
    ]),
  );
}

function seriesTable(series: RemoteSeries[]): string {
  return table(
    ['Number', 'Modality', 'Description', 'Images', 'Series Instance UID'],
    series.map((entry) => [String(entry.seriesNumber ?? ''), entry.modality, entry.seriesDescription, String(entry.instanceCount ?? ''), entry.seriesInstanceUid]),
  );
}

export const findCommand: CliCommand = {
  name: 'find',
  summary: 'Query a remote node for studies, or for the series of one study',
  usage: `radstation find NAME [--patient TEXT] [--id ID] [--accession A] [--modality M] [--description TEXT]
                     [--from DATE --to DATE] [--study UID] [--json] [--cache DIR]

Study-level C-FIND (study root) or QIDO-RS. Patient names match with DICOM wildcards
(* and ?), e.g. --patient 'DOE*'. With --study UID it lists that study's series.
  --json   print one JSON document: {"studies": [...]} or {"series": [...]}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'find',
      args,
      {
        ...cacheOption,
        patient: { type: 'string' },
        id: { type: 'string' },
        accession: { type: 'string' },
        modality: { type: 'string' },
        description: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        study: { type: 'string' },
        json: { type: 'boolean' },
      },
      true,
    );
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("find: give one node name. See 'radstation find --help'.");
    const query = remoteQuerySchema.parse({
      patientName: values.patient,
      patientId: values.id,
      accessionNumber: values.accession,
      modality: values.modality,
      studyDescription: values.description,
      from: parseDateOption('from', values.from, 'find'),
      to: parseDateOption('to', values.to, 'find'),
      studyInstanceUid: values.study,
    });
    if (query.from && query.to && query.from > query.to) throw new UsageError('find: --from is after --to.');
    const { cacheDir } = resolveDirs({ cacheDir: values.cache });
    const settings = loadNetworkSettings(cacheDir);
    const node = findNode(settings, positionals[0]!);
    if (values.study) {
      const series = await findSeries(settings, node, values.study);
      if (values.json) io.out(JSON.stringify({ series }));
      else io.out(series.length === 0 ? 'No series.' : `${seriesTable(series)}\n${series.length} series`);
      return 0;
    }
    const studies = await findStudies(settings, node, query);
    if (values.json) io.out(JSON.stringify({ studies }));
    else io.out(studies.length === 0 ? 'No studies match.' : `${studyTable(studies)}\n${studies.length} ${studies.length === 1 ? 'study' : 'studies'}`);
    return 0;
  },
};
