import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/dispatch';
import type { Services } from '../../src-main/services';
import type { CallResponse } from '../../src-shared/contract';
import { joinAsStudent, joinAsTeacher, openClassroomSocket, ownerWithStudies, valueOf } from '../helpers/classroom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// A teacher's session from the owner's start to its end, driven as the workstation and browsers drive it.
const temp = makeTempDir();
let owner: Services;
let ctStudyUid: string;
const ownerContext = { host: 'electron' as const, client: 'window-1', role: 'owner' as const };

beforeAll(async () => {
  owner = await ownerWithStudies(temp.dir, [sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')]);
  ctStudyUid = owner.studies.list({}).at(0)!.studyInstanceUid;
}, 120_000);

afterAll(async () => {
  await owner?.close();
  temp.cleanup();
});

async function ownerCall<Name extends 'teaching.start' | 'teaching.status' | 'teaching.end' | 'teaching.whoami'>(name: Name, payload: unknown): Promise<CallResponse<Name>> {
  return valueOf((await dispatch(owner.handlers, name, payload, ownerContext)) as never) as CallResponse<Name>;
}

describe('a teaching session', () => {
  it('de-identifies the chosen study into its own store, serves it, and ends with every link dead', async () => {
    let ownerHeardEnd: () => void = () => undefined;
    const ownerEnded = new Promise<void>((resolve) => (ownerHeardEnd = resolve));
    const unsubscribe = owner.events.subscribe((name) => name === 'teaching.ended' && ownerHeardEnd());
    expect((await ownerCall('teaching.status', {})).session).toBeNull();
    const links = await ownerCall('teaching.start', { studyInstanceUids: [ctStudyUid], durationMinutes: 30 });
    expect(links.studentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/s\/[A-Z2-9]{8}$/);
    expect(links.studentUrl.endsWith(`/s/${links.sessionCode}`)).toBe(true);
    expect(links.teacherUrl).toMatch(/\/join\?code=/);
    expect(links.teacherUrl).not.toContain(links.sessionCode);
    const storeDir = path.join(owner.dirs.cacheDir, 'teaching', links.sessionId);
    expect(fs.existsSync(path.join(storeDir, 'deid-projects'))).toBe(true);
    // A second session while one runs is refused.
    const second = await dispatch(owner.handlers, 'teaching.start', { studyInstanceUids: [ctStudyUid] }, ownerContext);
    expect(second.ok ? 'started' : second.error.code).toBe('conflict');

    const origin = new URL(links.studentUrl).origin;
    // Nothing without a credential: not the app, not a file, not a socket.
    expect((await fetch(`${origin}/`)).status).toBe(401);
    await expect(openClassroomSocket(origin, '')).rejects.toThrow('HTTP 401');

    // The student page is a plain form; what a student types comes back escaped.
    const form = await fetch(links.studentUrl);
    expect(form.status).toBe(200);
    expect(form.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(await form.text()).toContain('<form method="post"');
    const refused = await fetch(links.studentUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=%3Cscript%3Ealert(1)%3C%2Fscript%3E' });
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).not.toContain('<script>');
    expect(refusedPage).toContain('&lt;script&gt;');
    expect((await fetch(`${origin}/s/WRONGCODE`)).status).toBe(404);

    const teacherCookie = await joinAsTeacher(links.teacherUrl);
    // The teacher link is one-time.
    expect((await fetch(links.teacherUrl, { redirect: 'manual' })).status).toBe(401);
    const studentCookie = await joinAsStudent(links.studentUrl, 'Ada L.');
    expect(studentCookie).not.toBe(teacherCookie);

    const teacher = await openClassroomSocket(origin, teacherCookie);
    const student = await openClassroomSocket(origin, studentCookie);
    const teacherWho = valueOf(await teacher.call<CallResponse<'teaching.whoami'>>('teaching.whoami'));
    expect(teacherWho.role).toBe('teacher');
    expect(teacherWho.session?.sessionId).toBe(links.sessionId);
    const studentWho = valueOf(await student.call<CallResponse<'teaching.whoami'>>('teaching.whoami'));
    expect(studentWho).toMatchObject({ role: 'student', displayName: 'Ada L.' });

    // The classroom knows only the de-identified study: a new UID, and nothing of the owner's cache.
    const listed = valueOf(await student.call<CallResponse<'studies.list'>>('studies.list', {})).studies;
    expect(listed).toHaveLength(1);
    expect(listed[0]!.studyInstanceUid).not.toBe(ctStudyUid);
    expect(listed[0]!.patientName).not.toBe(owner.studies.list({})[0]!.patientName);
    const cases = valueOf(await student.call<CallResponse<'teaching.cases'>>('teaching.cases')).cases;
    expect(cases.map((item) => item.studyInstanceUid)).toEqual([listed[0]!.studyInstanceUid]);
    const ownerStudy = await student.call('viewer.study', { studyInstanceUid: ctStudyUid });
    expect(ownerStudy.ok ? 'found' : ownerStudy.error.code).toBe('not-found');

    const roster = valueOf(await teacher.call<CallResponse<'teaching.roster'>>('teaching.roster')).participants;
    expect(roster.map((item) => [item.displayName, item.connected])).toEqual([['Ada L.', true]]);
    expect((await ownerCall('teaching.status', {})).session?.sessionId).toBe(links.sessionId);

    // The teacher ends it: the reply arrives, then every socket closes and every link is dead.
    const ended = student.nextEvent<{ sessionId: string }>('teaching.ended');
    expect(valueOf(await teacher.call('teaching.end', { sessionId: links.sessionId }))).toEqual({ ok: true });
    expect((await ended).sessionId).toBe(links.sessionId);
    expect(await student.closed).toBe(4401);
    await teacher.closed;
    const gone = await fetch(links.studentUrl);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('has ended');
    expect((await fetch(`${origin}/`, { headers: { cookie: studentCookie } })).status).toBe(410);
    expect((await ownerCall('teaching.status', {})).session).toBeNull();
    // The workstation hears of the end once the store is gone: nothing could reach it any more.
    await ownerEnded;
    expect(fs.existsSync(storeDir)).toBe(false);
    unsubscribe();
  }, 120_000);

  it('ends by itself at its set time', async () => {
    // The contract's shortest session is a minute; the service itself takes any length, so the
    // test asks it directly for about a second rather than waiting a minute of real time.
    const links = await owner.teaching.start({ studyInstanceUids: [ctStudyUid], options: [], allowStudentAi: false, durationMinutes: 1.5 / 60 });
    const ownerEnded = new Promise<void>((resolve) => {
      const unsubscribe = owner.events.subscribe((name) => {
        if (name !== 'teaching.ended') return;
        unsubscribe();
        resolve();
      });
    });
    const studentCookie = await joinAsStudent(links.studentUrl, 'Timed');
    const origin = new URL(links.studentUrl).origin;
    const student = await openClassroomSocket(origin, studentCookie);
    expect(await student.closed).toBe(4401);
    expect((await fetch(links.studentUrl)).status).toBe(410);
    await ownerEnded;
    expect(fs.existsSync(path.join(owner.dirs.cacheDir, 'teaching', links.sessionId))).toBe(false);
  }, 60_000);
});
