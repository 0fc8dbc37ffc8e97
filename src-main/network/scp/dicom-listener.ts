import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { ImportFinished } from '../../../src-shared/domain/imports';
import type { NetworkSettings } from '../../../src-shared/domain/network';
import type { ImportService } from '../../studies/import/import-service';
import { dimse } from '../dimse/dimse-library';
import { StagedInstanceWriter } from '../dimse/staged-instance';
import { ReceivedImporter, stagingDir } from '../received-import';
import { scpClassFor, type ArchiveHandlers } from './dicom-scp';

export interface DicomListener {
  readonly port: number;
  readonly aet: string;
  readonly importer: ReceivedImporter;
  /** Instances received per calling AE title since the start (who sent what, for the log and the UI). */
  readonly receivedFrom: ReadonlyMap<string, number>;
  /** Resolves when everything received so far is in the cache. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface ListenerOptions {
  cacheDir: string;
  imports: ImportService;
  settings: () => NetworkSettings;
  /** Overrides the settings' port (0 picks a free one). */
  port?: number;
  /** Overrides the settings' AE title. */
  aet?: string;
  archive?: (settings: () => NetworkSettings) => ArchiveHandlers;
  log?: (line: string) => void;
  onImported?: (finished: ImportFinished) => void;
}

/**
 * Radstation's DICOM listener: a storage SCP (and, when an archive is attached, query/retrieve
 * SCP) on every interface, as DICOM peers expect. Received instances are staged in the cache
 * folder and imported in batches by the import service.
 */
export async function startDicomListener(options: ListenerOptions): Promise<DicomListener> {
  const settings = (): NetworkSettings => {
    const current = options.settings();
    return options.aet ? { ...current, localAet: options.aet } : current;
  };
  const staging = stagingDir(options.cacheDir);
  fs.mkdirSync(staging, { recursive: true });
  const importer = new ReceivedImporter(options.imports, options.onImported ? { onImported: options.onImported } : {});
  const recovered = importer.recoverLeftovers(staging);
  if (recovered > 0) options.log?.(`importing ${recovered} instances received before the last stop`);
  const receivedFrom = new Map<string, number>();
  const ScpClass = scpClassFor({
    settings,
    stagingDir: staging,
    received: (file, callingAet) => {
      receivedFrom.set(callingAet, (receivedFrom.get(callingAet) ?? 0) + 1);
      importer.add(file);
      return true;
    },
    ...(options.archive ? { archive: options.archive(settings) } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  // A connection that drops mid-instance leaves a partial staging file: remove it with the connection.
  class CleaningScp extends ScpClass {
    constructor(...args: ConstructorParameters<typeof dimse.Scp>) {
      super(...args);
      this.on('close', () => {
        const open = (this as unknown as { dimseStoreStream?: unknown }).dimseStoreStream;
        if (open instanceof StagedInstanceWriter) open.discard();
      });
    }
  }
  const server = new dimse.Server(CleaningScp);
  const port = options.port ?? settings().localPort;
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(new Error(`cannot listen for DICOM on port ${port}: ${error.message}`));
    server.once('networkError', failed);
    server.once('listening', () => {
      server.off('networkError', failed);
      resolve();
    });
    server.listen(port);
  });
  server.on('networkError', (error: Error) => options.log?.(`network error: ${error.message}`));
  const address = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    port: address.port,
    aet: settings().localAet,
    importer,
    receivedFrom,
    drain: () => importer.drain(),
    async close() {
      server.close();
      await importer.drain();
    },
  };
}
