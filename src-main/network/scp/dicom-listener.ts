import fs from 'node:fs';
import net from 'node:net';
import type { ImportFinished } from '../../../src-shared/domain/imports';
import type { NetworkSettings } from '../../../src-shared/domain/network';
import type { ImportService } from '../../studies/import/import-service';
import { dimse } from '../dimse/dimse-library';
import { StagedInstanceWriter } from '../dimse/staged-instance';
import { ReceivedImporter, stagingDir } from '../received-import';
import { scpClassFor, type ArchiveHandlers } from './dicom-scp';

export interface DicomListener {
  readonly port: number;
  /** The address it is bound to (loopback unless the settings or the caller chose another). */
  readonly address: string;
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
  /** Overrides the settings' listen address. */
  address?: string;
  archive?: (settings: () => NetworkSettings) => ArchiveHandlers;
  log?: (line: string) => void;
  onImported?: (finished: ImportFinished) => void;
}

/** A connection that has not asked for an association within this time is closed. */
const associationTimeoutMs = 30_000;

/**
 * Radstation's DICOM listener: a storage SCP (and, when an archive is attached, query/retrieve
 * SCP) bound to one address, loopback by default. Received instances are staged in the cache
 * folder and imported in batches by the import service.
 *
 * dcmjs-dimse's Server listens on every interface and takes no address, so the listener owns
 * its net.Server and hands each connection to the library's Scp (a public constructor), as the
 * library's Server does.
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
  const connections = new Set<InstanceType<typeof dimse.Scp>>();
  const server = net.createServer((socket) => {
    const scp = new CleaningScp(socket, { associationTimeout: associationTimeoutMs });
    // The library's Server marks a handed-over socket connected; the time starts its association timeout.
    Object.assign(scp, { connected: true, connectedTime: Date.now() });
    connections.add(scp);
    scp.on('close', () => connections.delete(scp));
    scp.on('networkError', (error: Error) => {
      socket.end();
      options.log?.(`network error from ${socket.remoteAddress ?? 'unknown'}: ${error.message}`);
    });
  });
  const port = options.port ?? settings().localPort;
  const address = options.address ?? settings().listenAddress;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: Error) => reject(new Error(`cannot listen for DICOM on ${address} port ${port}: ${error.message}`)));
    server.listen({ port, host: address }, () => resolve());
  });
  server.on('error', (error: Error) => options.log?.(`network error: ${error.message}`));
  const bound = server.address() as net.AddressInfo;
  return {
    port: bound.port,
    address: bound.address,
    aet: settings().localAet,
    importer,
    receivedFrom,
    drain: () => importer.drain(),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const scp of connections) (scp as unknown as { socket: net.Socket }).socket.destroy();
      await closed;
      await importer.drain();
    },
  };
}
