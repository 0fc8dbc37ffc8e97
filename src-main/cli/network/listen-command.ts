import { aeTitleSchema, isLoopbackAddress, listenAddressSchema } from '../../../src-shared/domain/network';
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

/** An IP address to bind, checked like the setting (a host name could resolve to an unintended interface). */
export function parseListenAddress(commandName: string, option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = listenAddressSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${commandName}: ${option}: ${parsed.error.issues[0]?.message ?? 'invalid address'}, not "${value}".`);
  return parsed.data;
}

export const listenCommand: CliCommand = {
  name: 'listen',
  summary: 'Receive DICOM pushes (C-STORE) and answer queries from the cache, until stopped',
  usage: `radstation listen [--aet AET] [--port N] [--bind ADDRESS] [--cache DIR]

Runs Radstation's DICOM listener alone: a storage SCP that imports what configured
nodes push, and a query/retrieve SCP (C-ECHO, C-FIND, C-MOVE, C-GET) answering from the
cache. Only calling AE titles of nodes added with 'radstation remote add' are accepted,
unless network.json sets "acceptAnyCaller": true. Stop with Ctrl+C.
  --aet AET   our AE title (default: the setting, RADSTATION)
  --port N    port to listen on (default: the setting, 11112)
  --bind ADDRESS  address to listen on (default: the setting, 127.0.0.1, which only this
              machine reaches); a LAN address, or 0.0.0.0 for every interface, lets
              modalities and archives on the network connect`,
  async run(args, io) {
    const { values } = parseCommandArgs('listen', args, { ...cacheOption, aet: { type: 'string' }, port: { type: 'string' }, bind: { type: 'string' } });
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    const aet = parseAeOption('listen', values.aet);
    const port = values.port === undefined ? undefined : parsePort(values.port);
    const address = parseListenAddress('listen', '--bind', values.bind);
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
        ...(address !== undefined ? { address } : {}),
        archive: (current) => cacheArchive(cacheDir, current),
        log: (line) => io.err(line),
        onImported: ({ report }) =>
          io.out(`imported ${report.instances} new instances (${report.duplicates} duplicates, ${report.conflicts.length} conflicts, ${report.failed.length} failed)`),
      });
    } catch (error) {
      await imports.close();
      throw error;
    }
    io.out(`Listening as ${listener.aet} on ${listener.address} port ${listener.port}, cache ${cacheDir}`);
    if (!isLoopbackAddress(listener.address)) io.err(`Warning: listening on ${listener.address}; configured AE titles on that network can push into and pull from this cache (an AE title is not a password).`);
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
