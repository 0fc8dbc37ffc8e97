import { aeTitleSchema } from '../../../src-shared/domain/network';
import { EventBus } from '../../events';
import { resolveDirs } from '../../platform/paths';
import { createImportService } from '../../studies/import/import-service';
import { loadNetworkSettings } from '../../network/network-settings';
import { startDicomListener } from '../../network/scp/dicom-listener';
import { cacheArchive } from '../../network/archive/cache-archive';
import { UsageError, type CliCommand } from '../command';
import { cacheOption, parseCommandArgs, parsePort } from '../common-options';

export function parseAeOption(commandName: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = aeTitleSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${commandName}: --aet: ${parsed.error.issues[0]?.message ?? 'invalid AE title'}.`);
  return parsed.data;
}

export const listenCommand: CliCommand = {
  name: 'listen',
  summary: 'Receive DICOM pushes (C-STORE) and answer queries from the cache, until stopped',
  usage: `radstation listen [--aet AET] [--port N] [--cache DIR]

Runs Radstation's DICOM listener alone: a storage SCP that imports what configured
nodes push, and a query/retrieve SCP (C-ECHO, C-FIND, C-MOVE, C-GET) answering from the
cache. Only calling AE titles of nodes added with 'radstation remote add' are accepted,
unless network.json sets "acceptAnyCaller": true. Stop with Ctrl+C.
  --aet AET   our AE title (default: the setting, RADSTATION)
  --port N    port to listen on, on every interface (default: the setting, 11112)`,
  async run(args, io) {
    const { values } = parseCommandArgs('listen', args, { ...cacheOption, aet: { type: 'string' }, port: { type: 'string' } });
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    const aet = parseAeOption('listen', values.aet);
    const port = values.port === undefined ? undefined : parsePort(values.port);
    const { cacheDir } = resolveDirs({ cacheDir: values.cache });
    const settings = () => loadNetworkSettings(cacheDir);
    settings();
    const imports = createImportService(cacheDir, new EventBus());
    let listener;
    try {
      listener = await startDicomListener({
        cacheDir,
        imports,
        settings,
        ...(port !== undefined ? { port } : {}),
        ...(aet ? { aet } : {}),
        archive: (current) => cacheArchive(cacheDir, current),
        log: (line) => io.err(line),
        onImported: ({ report }) =>
          io.out(`imported ${report.instances} new instances (${report.duplicates} duplicates, ${report.conflicts.length} conflicts, ${report.failed.length} failed)`),
      });
    } catch (error) {
      await imports.close();
      throw error;
    }
    io.out(`Listening as ${listener.aet} on port ${listener.port}, cache ${cacheDir}`);
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await listener.close();
    await imports.close();
    const senders = [...listener.receivedFrom].map(([sender, count]) => `${count} from ${sender}`).join(', ');
    io.out(`Stopped; received ${senders || 'nothing'}.`);
    return 0;
  },
};
