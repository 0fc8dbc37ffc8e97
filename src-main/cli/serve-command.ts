import fs from 'node:fs';
import path from 'node:path';
import { startWebHost, isLoopbackHost } from '../host/web-host';
import { rendererDir } from '../platform/app-root';
import { createServices } from '../services';
import { UsageError, type CliCommand } from './command';
import { cacheOption, modelsOption, parseCommandArgs, parsePort } from './common-options';
import { isLoopbackAddress } from '../../src-shared/domain/network';
import { parseListenAddress } from './network/listen-command';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the workstation to browsers (loopback by default)',
  usage: `radstation serve [--cache DIR] [--models DIR]... [--port N] [--host ADDRESS] [--dicom-port N] [--dicom-bind ADDRESS]

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
  --dicom-port N  also run the DICOM listener (storage and query/retrieve SCP) on this port;
                  without it, the listener runs only when the network settings enable it
                  ('radstation remote set --listener on'). It answers configured AE titles only
  --dicom-bind ADDRESS  the address the DICOM listener binds (default: the setting, 127.0.0.1;
                  give a LAN address, or 0.0.0.0, for modalities on the network to reach it)`,
  async run(args, io) {
    const { values } = parseCommandArgs('serve', args, {
      ...cacheOption,
      ...modelsOption,
      port: { type: 'string' },
      host: { type: 'string' },
      'dicom-port': { type: 'string' },
      'dicom-bind': { type: 'string' },
    });
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    // Every argument is checked before anything starts, so a typo leaves nothing half-open.
    const port = parsePort(values.port);
    const dicomPort = values['dicom-port'] === undefined ? undefined : parsePort(values['dicom-port']);
    const dicomBind = parseListenAddress('serve', '--dicom-bind', values['dicom-bind']);
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
    // The DICOM listener is opt-in: asked for here, or enabled in the settings. Pushed studies import
    // through the services' import service, so browsers see them appear live.
    const dicom = await services.network.startListenerIfAsked({ ...(dicomPort !== undefined ? { port: dicomPort } : {}), ...(dicomBind !== undefined ? { address: dicomBind } : {}) });
    // The web host is useful without it (another Radstation may hold the port): say so and go on.
    if (dicom?.running) {
      io.out(`DICOM listener: ${dicom.aet} on ${dicom.address} port ${dicom.port}`);
      if (!isLoopbackAddress(dicom.address)) io.err(`Warning: the DICOM listener is on ${dicom.address}; configured AE titles on that network can push into and pull from this cache (an AE title is not a password).`);
    }
    else if (dicom) io.err(`Warning: no DICOM listener: ${dicom.error ?? 'it did not start'}`);
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
    await services.close();
    return 0;
  },
};
