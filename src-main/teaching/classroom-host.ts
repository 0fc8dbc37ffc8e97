import { startHostServer } from '../host/host-server';
import type { Services } from '../services';
import { classroomAccess } from './classroom-access';
import { classroomHandlers, classroomRefusal } from './classroom-handlers';
import type { ClassroomSession } from './classroom-session';
import { SessionFiles } from './session-files';

export interface ClassroomHostOptions {
  /** The session store's own services: the only data this host can reach. */
  readonly store: Services;
  readonly session: ClassroomSession;
  readonly rendererDir: string;
  readonly host: string;
  readonly port?: number;
  readonly log: (message: string) => void;
  /** Told at once when the session ends (by the teacher, the owner or the clock). */
  readonly onEnded: () => void;
  /** Told after that, once the store's services have stopped: nothing can reach the store any more. */
  readonly onStoreClosed: () => void;
}

export interface ClassroomHost {
  readonly origin: string;
  readonly sessionCode: string;
  readonly studentUrl: string;
  /** A fresh one-time teacher link. */
  teacherUrl(): string;
  /** Ends the session at once: tokens die, sockets close, the store's services stop; the host then answers 410. */
  end(): Promise<void>;
  /** Stops listening altogether. */
  close(): Promise<void>;
}

/**
 * A classroom: the same host code as the owner's web host, over the session store's
 * services only, with the classroom's access (teacher link, student tokens), its own call
 * rules, no upload route, and /files limited to the store's instances (redacted for
 * students while their case is unknown).
 */
export async function startClassroomHost(options: ClassroomHostOptions): Promise<ClassroomHost> {
  const { store, session, log } = options;
  const access = classroomAccess(session);
  const files = new SessionFiles({
    resolveInstanceFile: (uid) => store.studies.resolveInstanceFile(uid),
    hiddenFromStudents: (uid) => session.hiddenFromStudents(session.studyOfInstance(uid)),
  });
  let ending: Promise<void> | undefined;

  const end = (): Promise<void> => {
    ending ??= (async () => {
      session.ended = true;
      // The event first, so open pages can say why; then every credential and socket dies.
      session.emit('teaching.ended', { sessionId: session.sessionId });
      access.end();
      server.disconnect(() => true, 'The teaching session has ended.');
      options.onEnded();
      // Nobody can fetch a file any more: the bytes kept for the class go now, not when the host stops listening.
      files.clear();
      try {
        await store.close();
      } finally {
        options.onStoreClosed();
      }
    })();
    return ending;
  };

  const handlers = classroomHandlers(store.handlers, session, {
    removeParticipant: (participantId) => {
      access.revokeParticipant(participantId);
      server.disconnect((principal) => principal.participantId === participantId, 'The teacher removed you from this session.');
    },
    end: () => void end(),
  });

  const server = await startHostServer({
    access,
    handlers,
    events: store.events,
    rendererDir: options.rendererDir,
    files: (principal, requestPath) => files.answer(principal.role, requestPath),
    refuseCall: (callName, principal) => classroomRefusal(session, callName, principal.role),
    onSocket: (principal, open) => {
      if (principal.participantId !== undefined && !session.ended) session.socketChanged(principal.participantId, open);
    },
    host: options.host,
    ...(options.port !== undefined ? { port: options.port } : {}),
    log,
  });

  return {
    origin: server.origin,
    sessionCode: access.sessionCode,
    studentUrl: `${server.origin}/s/${access.sessionCode}`,
    teacherUrl: () => `${server.origin}${access.teacherJoinPath()}`,
    end,
    close: async () => {
      await end();
      await server.close();
    },
  };
}
