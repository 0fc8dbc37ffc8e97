import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { ServiceError, type teachingLinksSchema, type teachingStartRequestSchema } from '../../src-shared/contract';
import type { EventBus } from '../events';
import type { Services } from '../services';
import { startClassroomHost, type ClassroomHost } from './classroom-host';
import { ClassroomSession } from './classroom-session';
import { fillSessionStore, sessionStoreDir } from './session-store';

type StartRequest = z.output<typeof teachingStartRequestSchema>;
type Links = z.output<typeof teachingLinksSchema>;

export interface TeachingServiceDeps {
  readonly ownerDb: Database.Database;
  readonly ownerCacheDir: string;
  /** The owner's bus: the workstation hears teaching.ended too, once the session's store is removed. */
  readonly events: EventBus;
  /** Builds the services of a session store (the same code as the owner's, over another folder). */
  readonly createStoreServices: (cacheDir: string) => Services;
  /** The built renderer the classroom serves. */
  readonly rendererDir: () => string;
  readonly log?: (message: string) => void;
}

/** How long an ended classroom keeps answering 410 before it stops listening. */
const endedLingerMs = 10 * 60 * 1000;

interface Running {
  readonly session: ClassroomSession;
  readonly host: ClassroomHost;
  readonly timer: NodeJS.Timeout;
}

function removeStore(storeDir: string, log: (message: string) => void): void {
  try {
    fs.rmSync(storeDir, { recursive: true, force: true });
  } catch (error) {
    log(`[radstation] teaching: the session store ${storeDir} could not be removed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The owner's side of teaching: start a session (de-identify into a new store, start its
 * classroom host), say what is running, end it (its store is removed then). One session
 * runs at a time.
 */
export function createTeachingService(deps: TeachingServiceDeps) {
  const log = deps.log ?? ((message: string) => console.error(message));
  let running: Running | undefined;
  let starting = false;
  const lingering = new Set<ClassroomHost>();

  const links = (current: Running): Links => ({
    sessionId: current.session.sessionId,
    teacherUrl: current.host.teacherUrl(),
    studentUrl: current.host.studentUrl,
    sessionCode: current.host.sessionCode,
    endsAt: current.session.endsAt,
  });

  const ended = (current: Running): void => {
    clearTimeout(current.timer);
    if (running === current) running = undefined;
    lingering.add(current.host);
    setTimeout(() => {
      lingering.delete(current.host);
      void current.host.close();
    }, endedLingerMs).unref();
  };

  return {
    async start(request: StartRequest): Promise<Links> {
      if (running || starting) throw new ServiceError('conflict', 'A teaching session is already running; end it before starting another.');
      starting = true;
      const sessionId = randomUUID();
      const storeDir = sessionStoreDir(deps.ownerCacheDir, sessionId);
      const rendererDir = deps.rendererDir();
      let store: Services | undefined;
      try {
        if (!fs.existsSync(`${rendererDir}/index.html`)) throw new ServiceError('unavailable', "The classroom cannot serve the app: the renderer is not built (run 'npm run build').");
        fs.mkdirSync(storeDir, { recursive: true, mode: 0o700 });
        store = deps.createStoreServices(storeDir);
        const filled = await fillSessionStore({ ownerDb: deps.ownerDb, ownerCacheDir: deps.ownerCacheDir, studyInstanceUids: request.studyInstanceUids, options: request.options, store });
        if (filled.excluded > 0) log(`[radstation] teaching: ${filled.excluded} image(s) were left out of the session (burned-in text or unreadable).`);
        const storeServices = store;
        const session = new ClassroomSession({
          sessionId,
          endsAt: Date.now() + request.durationMinutes * 60_000,
          allowStudentAi: request.allowStudentAi,
          options: request.options,
          studies: filled.studies,
          emit: (name, payload) => storeServices.events.emit(name, payload),
        });
        let current: Running | undefined;
        const host = await startClassroomHost({
          store,
          session,
          rendererDir,
          host: request.host ?? '127.0.0.1',
          ...(request.port !== undefined ? { port: request.port } : {}),
          log,
          onEnded: () => {
            if (current) ended(current);
          },
          onStoreClosed: () => {
            // The de-identified copies served nobody once every link died: they go with the session,
            // so a workstation that teaches every week does not keep every class's copies.
            removeStore(storeDir, log);
            deps.events.emit('teaching.ended', { sessionId });
          },
        });
        const timer = setTimeout(() => void host.end(), Math.max(0, session.endsAt - Date.now()));
        timer.unref();
        current = { session, host, timer };
        running = current;
        return links(current);
      } catch (error) {
        await store?.close();
        removeStore(storeDir, log);
        throw error;
      } finally {
        starting = false;
      }
    },

    status(): { session: Links | null } {
      return { session: running ? links(running) : null };
    },

    async end(sessionId: string): Promise<void> {
      if (!running || running.session.sessionId !== sessionId) throw new ServiceError('not-found', 'No teaching session with that ID is running.');
      await running.host.end();
    },

    async close(): Promise<void> {
      if (running) await running.host.end();
      await Promise.all([...lingering].map((host) => host.close()));
      lingering.clear();
    },
  };
}

export type TeachingService = ReturnType<typeof createTeachingService>;
