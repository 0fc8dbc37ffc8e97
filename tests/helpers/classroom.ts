import path from 'node:path';
import WebSocket from 'ws';
import { createServices, type Services } from '../../src-main/services';
import type { CallName, Envelope } from '../../src-shared/contract';
import { stubRendererDir } from './stub-renderer';

/**
 * Test helpers for teaching sessions, used the way a browser uses a classroom: follow the
 * links, post the name form, hold the cookie, talk over the socket. Nothing here reaches
 * into the host's state.
 */

/** Owner services over a fresh cache with the given DICOM folders imported in place (link mode). */
export async function ownerWithStudies(tempDir: string, folders: string[]): Promise<Services> {
  const services = createServices({ host: 'web', cacheDir: path.join(tempDir, 'owner-cache'), userDataDir: path.join(tempDir, 'user'), classroomRendererDir: stubRendererDir(tempDir) });
  const { importId } = services.imports.start({ paths: folders, mode: 'link' });
  const finished = await services.imports.whenFinished(importId);
  if (finished?.status !== 'completed') throw new Error(`the test import did not complete: ${finished?.message ?? 'no outcome'}`);
  return services;
}

function cookieOf(response: Response): string {
  const header = response.headers.get('set-cookie');
  if (!header) throw new Error(`no cookie in the answer (HTTP ${response.status})`);
  return header.split(';')[0]!;
}

/** Opens the one-time teacher link as a browser would; returns the teacher's cookie. */
export async function joinAsTeacher(teacherUrl: string): Promise<string> {
  const response = await fetch(teacherUrl, { redirect: 'manual' });
  if (response.status !== 303) throw new Error(`the teacher link answered ${response.status}`);
  return cookieOf(response);
}

/** Posts the student name form; returns the student's cookie. */
export async function joinAsStudent(studentUrl: string, displayName: string): Promise<string> {
  const response = await fetch(studentUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ name: displayName }).toString() });
  if (response.status !== 303) throw new Error(`the name form answered ${response.status}: ${await response.text()}`);
  return cookieOf(response);
}

export interface ClassroomSocket {
  readonly ws: WebSocket;
  call<Value = unknown>(name: CallName | string, payload?: unknown): Promise<Envelope<Value>>;
  /** The next event of that name (or one already received since the socket opened, when `since` says so). */
  nextEvent<Payload = unknown>(name: string, timeoutMs?: number): Promise<Payload>;
  /** Resolves with the close code when the host closes the socket. */
  readonly closed: Promise<number>;
  close(): void;
}

export function openClassroomSocket(origin: string, cookie: string): Promise<ClassroomSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws`, { headers: { cookie } });
    let nextId = 0;
    const pending = new Map<number, (result: Envelope<unknown>) => void>();
    const waiters = new Map<string, Array<(payload: unknown) => void>>();
    const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; id?: number; result?: Envelope<unknown>; name?: string; payload?: unknown };
      if (message.type === 'result' && message.id !== undefined) {
        pending.get(message.id)?.(message.result!);
        pending.delete(message.id);
      } else if (message.type === 'event' && message.name !== undefined) {
        const list = waiters.get(message.name) ?? [];
        waiters.delete(message.name);
        for (const waiter of list) waiter(message.payload);
      }
    });
    ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        closed,
        call: <Value>(name: string, payload: unknown = {}) =>
          new Promise<Envelope<Value>>((done, fail) => {
            nextId += 1;
            pending.set(nextId, done as (result: Envelope<unknown>) => void);
            ws.send(JSON.stringify({ type: 'call', id: nextId, name, payload }), (error) => error && fail(error));
          }),
        nextEvent: <Payload>(name: string, timeoutMs = 10_000) =>
          new Promise<Payload>((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`no ${name} event within ${timeoutMs} ms`)), timeoutMs);
            const list = waiters.get(name) ?? [];
            list.push((payload) => {
              clearTimeout(timer);
              done(payload as Payload);
            });
            waiters.set(name, list);
          }),
        close: () => ws.close(),
      }),
    );
  });
}

/** The value of a successful envelope, or an error naming the failure. */
export function valueOf<Value>(envelope: Envelope<Value>): Value {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value;
}
