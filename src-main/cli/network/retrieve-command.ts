import { retrieveMethods, type RetrieveMethod } from '../../../src-shared/domain/network';
import { EventBus } from '../../events';
import { resolveDirs } from '../../platform/paths';
import { createImportService } from '../../studies/import/import-service';
import { findNode, loadNetworkSettings } from '../../network/network-settings';
import { retrieve } from '../../network/retrieve';
import { startDicomListener, type DicomListener } from '../../network/scp/dicom-listener';
import { UsageError, type CliCommand } from '../command';
import { cacheOption, parseCommandArgs } from '../common-options';

export const retrieveCommand: CliCommand = {
  name: 'retrieve',
  summary: 'Retrieve a study or series from a remote node into the cache (C-MOVE, C-GET or WADO-RS)',
  usage: `radstation retrieve NAME --study UID [--series UID] [--via move|get|wado] [--json] [--cache DIR]

Instances already in the cache are not fetched again, so running it again after a
failure fetches only what is missing. Progress (k/N) goes to stderr; Ctrl+C cancels and
keeps what arrived. Exits 1 unless every instance is in the cache at the end.
  --via move   C-MOVE to Radstation's own storage SCP, started for the retrieve on the
               configured port (the archive must know our AE title and port); default for DIMSE
  --via get    C-GET: the instances come back on the same association
  --via wado   WADO-RS; the default (and only choice) for DICOMweb nodes
  --json       print only the report, as one JSON document`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'retrieve',
      args,
      { ...cacheOption, study: { type: 'string' }, series: { type: 'string' }, via: { type: 'string' }, json: { type: 'boolean' } },
      true,
    );
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("retrieve: give one node name. See 'radstation retrieve --help'.");
    if (!values.study) throw new UsageError('retrieve: --study UID is required.');
    if (values.via !== undefined && !(retrieveMethods as readonly string[]).includes(values.via)) throw new UsageError(`retrieve: --via is move, get or wado, not "${values.via}".`);
    const { cacheDir } = resolveDirs({ cacheDir: values.cache });
    const settings = loadNetworkSettings(cacheDir);
    const node = findNode(settings, positionals[0]!);
    const imports = createImportService(cacheDir, new EventBus());
    const controller = new AbortController();
    const cancel = () => controller.abort();
    process.once('SIGINT', cancel);
    let listener: DicomListener | undefined;
    try {
      let lastShown = -1;
      const report = await retrieve(
        {
          cacheDir,
          settings,
          imports,
          signal: controller.signal,
          listener: async () => (listener ??= await startDicomListener({ cacheDir, imports, settings: () => loadNetworkSettings(cacheDir) })),
          onProgress: (done, total) => {
            if (done === lastShown) return;
            lastShown = done;
            io.err(`${done}/${total}`);
          },
        },
        { node, studyInstanceUid: values.study, ...(values.series ? { seriesInstanceUid: values.series } : {}), ...(values.via ? { method: values.via as RetrieveMethod } : {}) },
      );
      if (values.json) io.out(JSON.stringify(report));
      else {
        io.out(
          `${report.status}: ${report.retrieved} retrieved by ${report.method}, ${report.alreadyCached} already cached, ${report.missing.length} missing of ${report.expected} (${report.seconds.toFixed(1)} s)`,
        );
        if (report.message) io.out(report.message);
        for (const uid of report.missing) io.out(`missing: ${uid}`);
      }
      return report.status === 'completed' ? 0 : 1;
    } finally {
      process.off('SIGINT', cancel);
      await listener?.close();
      await imports.close();
    }
  },
};
