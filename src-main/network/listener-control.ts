import type Database from 'better-sqlite3';
import type { ListenerStatus, NetworkSettings } from '../../src-shared/domain/network';
import type { ImportService } from '../studies/import/import-service';
import { cacheArchive } from './archive/cache-archive';
import { loadNetworkSettings } from './network-settings';
import { startDicomListener, type DicomListener } from './scp/dicom-listener';

/** Overrides a host may give at start (the CLI's --dicom-port and --dicom-bind). */
export interface ListenerOverrides {
  port?: number;
  address?: string;
}

export interface ListenerControl {
  status(): ListenerStatus;
  running(): DicomListener | undefined;
  /** Starts (or restarts, when running) the listener with the settings and these overrides. */
  start(overrides?: ListenerOverrides): Promise<ListenerStatus>;
  stop(): Promise<ListenerStatus>;
  /**
   * The running listener for a C-MOVE retrieve, or a temporary one (per the settings) held until
   * every retrieve that asked for it has released it.
   */
  acquireForRetrieve(): Promise<{ listener: DicomListener; release(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * One DICOM listener per service: started when the host asks (its settings or a command-line
 * option), restarted when the local settings change, and never started behind the user's back
 * except for the length of a C-MOVE retrieve, which needs somewhere for the archive to send to.
 */
export function createListenerControl(options: { cacheDir: string; imports: ImportService; db?: Database.Database; log?: (line: string) => void }): ListenerControl {
  const { cacheDir } = options;
  const settings = (): NetworkSettings => loadNetworkSettings(cacheDir);
  let running: DicomListener | undefined;
  let lastError: string | undefined;
  let temporary: { listener: Promise<DicomListener>; users: number } | undefined;

  const open = (overrides: ListenerOverrides = {}): Promise<DicomListener> =>
    startDicomListener({
      cacheDir,
      imports: options.imports,
      settings,
      ...(overrides.port !== undefined ? { port: overrides.port } : {}),
      ...(overrides.address !== undefined ? { address: overrides.address } : {}),
      archive: (current) => cacheArchive(cacheDir, current, options.db),
      ...(options.log ? { log: options.log } : {}),
    });

  const status = (): ListenerStatus => {
    const current = settings();
    return {
      running: running !== undefined,
      aet: running?.aet ?? current.localAet,
      port: running?.port ?? current.localPort,
      address: running?.address ?? current.listenAddress,
      ...(lastError !== undefined ? { error: lastError } : {}),
    };
  };

  const stop = async (): Promise<ListenerStatus> => {
    const closing = running;
    running = undefined;
    await closing?.close();
    return status();
  };

  return {
    status,
    running: () => running,
    async start(overrides) {
      await stop();
      try {
        running = await open(overrides);
        lastError = undefined;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      return status();
    },
    stop: async () => {
      lastError = undefined;
      return stop();
    },
    async acquireForRetrieve() {
      if (running) return { listener: running, release: async () => undefined };
      temporary ??= { listener: open(), users: 0 };
      const held = temporary;
      held.users += 1;
      let listener: DicomListener;
      try {
        listener = await held.listener;
      } catch (error) {
        if (temporary === held) temporary = undefined;
        throw error;
      }
      return {
        listener,
        async release() {
          held.users -= 1;
          if (held.users > 0) return;
          if (temporary === held) temporary = undefined;
          await listener.close();
        },
      };
    },
    async close() {
      await stop();
      if (temporary) await (await temporary.listener.catch(() => undefined))?.close();
    },
  };
}
