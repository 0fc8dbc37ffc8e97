import fs from 'node:fs';
import path from 'node:path';
import { startWebHost, isLoopbackHost } from '../host/web-host';
import { rendererDir } from '../platform/app-root';
import { createServices } from '../services';
import { UsageError, type CliCommand } from './command';
import { cacheOption, modelsOption, parseCommandArgs, parsePort } from './common-options';
import { loadNetworkSettings } from '../network/network-settings';
import { startDicomListener, type DicomListener } from '../network/scp/dicom-listener';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the workstation to browsers (loopback by default)',
  usage: `radstation serve [--cache DIR] [--models DIR]... [--port N] [--host ADDRESS]

Starts the same services as the desktop app behind HTTP and WebSocket, and prints a
one-time join link and the random access token. The link works once: the browser
that opens it gets the token as a cookie. Scripts send the token in the
x-radstation-token header; POST /join with that header makes a new link for another
browser. Anyone with the token can read the cache, so bind to a non-loopback address
only on a network you trust (a classroom, say).
  --cache DIR     study cache folder (default: RADSTATION_CACHE, then the app's user-data folder)
  --models DIR    extra model bundle folder; repeatable (also RADSTATION_MODELS)
  --port N        port to listen on (default: a free one)
  --host ADDRESS  address to bind (default 127.0.0.1)
  --dicom-port N  port of the DICOM listener (storage and query/retrieve SCP; default: the
                  network setting, 11112); it answers configured AE titles only`,
  async run(args, io) {
    const { values } = parseCommandArgs('serve', args, {
      ...cacheOption,
      ...modelsOption,
      port: { type: 'string' },
      host: { type: 'string' },
      'dicom-port': { type: 'string' },
    });
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    // Every argument is checked before anything starts, so a typo leaves nothing half-open.
    const port = parsePort(values.port);
    const dicomPort = values['dicom-port'] === undefined ? undefined : parsePort(values['dicom-port']);
    const host = values.host ?? '127.0.0.1';
    const renderer = rendererDir();
    if (!fs.existsSync(path.join(renderer, 'index.html'))) {
      throw new UsageError(`the renderer is not built (${renderer} has no index.html); run 'npm run build' first.`);
    }
    const services = createServices({ host: 'web', cacheDir: values.cache, modelDirs: values.models });
    let webHost;
    try {
      webHost = await startWebHost({ services, rendererDir: renderer, host, port });
    } catch (error) {
      // A port in use or an address this machine lacks: close the cache and workers, then report.
      await services.close();
      throw error;
    }
    io.out(`Radstation is serving the cache at ${services.dirs.cacheDir}`);
    // Pushed studies import through the services' import service, so browsers see them appear live.
    const cacheDir = services.dirs.cacheDir;
    let dicom: DicomListener | undefined;
    try {
      dicom = await startDicomListener({
        cacheDir,
        imports: services.imports,
        settings: () => loadNetworkSettings(cacheDir),
        ...(dicomPort !== undefined ? { port: dicomPort } : {}),
        archive: (settings) => services.network.archive(settings),
        log: (line) => io.err(`dicom: ${line}`),
      });
      services.network.attachListener(dicom);
      io.out(`DICOM listener: ${dicom.aet} on port ${dicom.port}`);
    } catch (error) {
      // The web host is useful without it (another Radstation may hold the port): say so and go on.
      io.err(`Warning: no DICOM listener: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!isLoopbackHost(host)) io.err(`Warning: listening on ${host}; anyone on that network with the token or an unused join link can read this cache.`);
    io.out(`Token: ${webHost.token}`);
    io.out('The link below works once, in one browser; for another, POST /join with the token in the x-radstation-token header.');
    io.out(`Open: ${webHost.url}`);
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await webHost.close();
    await dicom?.close();
    await services.close();
    return 0;
  },
};
