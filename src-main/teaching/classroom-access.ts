import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { displayNameSchema, ServiceError } from '../../src-shared/contract';
import { JoinCodes, joinRoute, originAllowed } from '../host/access';
import { securityHeaders } from '../host/file-routes';
import { answer } from '../host/http-answer';
import type { HostAccess, Principal } from '../host/host-server';
import type { ClassroomSession } from './classroom-session';
import { sentencePage, studentFormSecurityPolicy, studentJoinPage } from './student-form';

/** The classroom's own cookie, distinct from the owner host's: one never opens the other. */
export const classroomCookie = 'radstation_classroom';
export const studentRoutePrefix = '/s/';
const endedSentence = 'This teaching session has ended. Thank you for taking part.';
const removedSentence = 'The teacher removed you from this teaching session.';
const maxFormBytes = 4096;

/** Letters and digits nobody misreads when copying from a projector (no 0/O, 1/I/L). */
const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function newSessionCode(length = 8): string {
  return [...randomBytes(length)].map((byte) => codeAlphabet[byte % codeAlphabet.length]).join('');
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function cookieToken(request: http.IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === classroomCookie) return rest.join('=');
  }
  return undefined;
}

function cookieHeader(token: string): string {
  return `${classroomCookie}=${token}; HttpOnly; SameSite=Lax; Path=/`;
}

function html(response: http.ServerResponse, status: number, body: string, headers: http.OutgoingHttpHeaders = {}): void {
  // same-origin, not the hosts' usual no-referrer: under no-referrer Chromium posts the name
  // form with `Origin: null`, which the Origin check below must refuse, so nobody could join.
  response.writeHead(status, {
    ...securityHeaders,
    'referrer-policy': 'same-origin',
    'content-security-policy': studentFormSecurityPolicy,
    'content-type': 'text/html; charset=utf-8',
    ...headers,
  });
  response.end(body);
}

export interface ClassroomAccess extends HostAccess {
  readonly sessionCode: string;
  /** A fresh one-time teacher link path (`/join?code=…`). */
  teacherJoinPath(): string;
  /** Kills a student's token at once; later requests with it get the 'removed' sentence. */
  revokeParticipant(participantId: string): void;
  /** Kills every token; the student link and everything else then answer 410. */
  end(): void;
}

/**
 * Who is who in a classroom: the teacher joins with a one-time link and holds the teacher
 * token; a student opens /s/<code>, types a name and gets a token of their own. Tokens live
 * only in HttpOnly cookies and only as digests here, and each maps to exactly one role.
 */
export function classroomAccess(session: ClassroomSession): ClassroomAccess {
  const sessionCode = newSessionCode();
  const formPath = `${studentRoutePrefix}${sessionCode}`;
  const teacherToken = randomBytes(24).toString('base64url');
  const teacherCodes = new JoinCodes(16);
  const principals = new Map<string, Principal>([[digest(teacherToken), { role: 'teacher', credential: 'teacher' }]]);
  const revoked = new Set<string>();
  let ended = false;

  const principalOf = (request: http.IncomingMessage): Principal | undefined => {
    const token = cookieToken(request);
    if (ended || token === undefined || token.length > 200) return undefined;
    return principals.get(digest(token));
  };

  const teacherJoin = (request: http.IncomingMessage, response: http.ServerResponse, url: URL): void => {
    if (request.method === 'HEAD') {
      answer(response, 200, '');
      return;
    }
    if (request.method !== 'GET') {
      answer(response, 405, 'Open the teacher link with GET.', { allow: 'GET, HEAD' });
      return;
    }
    if (teacherCodes.redeem(url.searchParams.get('code'))) {
      answer(response, 303, 'Joined as the teacher.', { location: '/', 'set-cookie': cookieHeader(teacherToken) });
    } else if (principalOf(request)?.role === 'teacher') {
      answer(response, 303, 'Already joined.', { location: '/' });
    } else {
      answer(response, 401, 'This teacher link was already used or is not valid; each link works once. Ask the workstation for a new one.');
    }
  };

  const studentJoin = (request: http.IncomingMessage, response: http.ServerResponse, code: string): void => {
    if (code !== sessionCode) {
      html(response, 404, sentencePage('No such session', 'No teaching session has this code. Check the code the teacher shows.'));
      return;
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      if (principalOf(request)?.role === 'student') answer(response, 303, 'Already joined.', { location: '/' });
      else html(response, 200, request.method === 'HEAD' ? '' : studentJoinPage(formPath));
      return;
    }
    if (request.method !== 'POST') {
      answer(response, 405, 'Open this page with GET and send the form with POST.', { allow: 'GET, HEAD, POST' });
      return;
    }
    // The form is ours: a page elsewhere must not sign a visitor's browser into the class.
    if (!originAllowed(request.headers.origin, request.headers.host)) {
      answer(response, 403, 'The join form must be sent from this page.');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxFormBytes) {
        answer(response, 413, 'The form is too large.', { connection: 'close' });
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (response.headersSent || size > maxFormBytes) return;
      const typed = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('name') ?? '';
      const parsed = displayNameSchema.safeParse(typed);
      if (!parsed.success) {
        html(response, 400, studentJoinPage(formPath, { error: 'Type a name of 1 to 60 characters, without control characters or angle brackets.', name: typed.slice(0, 60) }));
        return;
      }
      if (ended) {
        html(response, 410, sentencePage('Session ended', endedSentence));
        return;
      }
      try {
        const participant = session.join(parsed.data);
        const token = randomBytes(24).toString('base64url');
        principals.set(digest(token), { role: 'student', participantId: participant.participantId, credential: participant.participantId });
        answer(response, 303, 'Joined.', { location: '/', 'set-cookie': cookieHeader(token) });
      } catch (error) {
        html(response, 409, sentencePage('Cannot join', error instanceof ServiceError ? error.message : 'The session could not take you.'));
      }
    });
    request.on('error', () => response.destroy());
  };

  return {
    sessionCode,
    teacherJoinPath: () => `${joinRoute}?code=${teacherCodes.issue()}`,
    publicRoute: (request, response, url) => {
      const isStudentRoute = url.pathname.startsWith(studentRoutePrefix);
      if (ended) {
        if (isStudentRoute) html(response, 410, sentencePage('Session ended', endedSentence));
        else answer(response, 410, endedSentence);
        return true;
      }
      if (url.pathname === joinRoute) teacherJoin(request, response, url);
      else if (isStudentRoute) studentJoin(request, response, url.pathname.slice(studentRoutePrefix.length));
      else return false;
      return true;
    },
    principalOf,
    holds: (principal) => !ended && (principal.role === 'teacher' || session.participant(principal.participantId) !== undefined),
    authorisedHeaders: () => ({}),
    refusal: (request) => {
      const token = cookieToken(request);
      if (ended) return { status: 410, message: endedSentence };
      if (token !== undefined && revoked.has(digest(token))) return { status: 410, message: removedSentence };
      return { status: 401, message: 'This classroom needs its link: open the student link the teacher shows and type your name.' };
    },
    revokeParticipant: (participantId) => {
      for (const [key, principal] of principals) {
        if (principal.participantId === participantId) {
          principals.delete(key);
          revoked.add(key);
        }
      }
    },
    end: () => {
      ended = true;
      principals.clear();
    },
  };
}
