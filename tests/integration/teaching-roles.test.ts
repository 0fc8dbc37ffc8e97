import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src-main/services';
import { calls, type CallResponse } from '../../src-shared/contract';
import { joinAsStudent, joinAsTeacher, openClassroomSocket, ownerWithStudies, valueOf, type ClassroomSocket } from '../helpers/classroom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// Roles are enforced in the main process: every call of the contract, sent over a real
// student (and teacher) socket of a real classroom host, and the raw routes a browser could try.

/** What a student may do (issue #18), written out here rather than read from the contract under test. */
const studentCalls = [
  'app.about', 'app.ping', 'studies.list', 'studies.series', 'studies.instances', 'studies.tags', 'studies.thumbnail',
  'viewer.study', 'viewer.object', 'viewer.segmentation', 'viewer.measurements.list', 'viewer.measurements.save', 'reports.get',
  'teaching.whoami', 'teaching.cases', 'teaching.teacherView', 'teaching.quizzes', 'teaching.answerQuiz', 'teaching.myAnswers',
];
/** Only when the teacher allows AI for students. */
const studentAiCalls = ['inference.listModels', 'inference.preview', 'inference.warmUp', 'qa.ask'];
const teacherCalls = [
  ...studentCalls.filter((name) => !['teaching.answerQuiz', 'teaching.myAnswers'].includes(name)),
  ...studentAiCalls, 'inference.askClosed', 'reports.answerFromMetadata',
  'teaching.end', 'teaching.roster', 'teaching.removeParticipant', 'teaching.setFollow', 'teaching.publishView', 'teaching.updateCase',
  'teaching.revealCase', 'teaching.createQuiz', 'teaching.closeQuiz', 'teaching.revealQuiz', 'teaching.quizTally', 'teaching.exportResults',
];

const temp = makeTempDir();
let owner: Services;
let ownerInstanceUid: string;

beforeAll(async () => {
  owner = await ownerWithStudies(temp.dir, [sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')]);
  const study = owner.studies.list({})[0]!;
  ownerInstanceUid = owner.viewer.study(study.studyInstanceUid).series[0]!.instances[0]!.sopInstanceUid;
}, 120_000);

afterEach(async () => {
  const running = owner.teaching.status().session;
  if (running) await owner.teaching.end(running.sessionId);
});

afterAll(async () => {
  await owner?.close();
  temp.cleanup();
});

async function startSession(allowStudentAi: boolean) {
  const links = await owner.teaching.start({ studyInstanceUids: [owner.studies.list({})[0]!.studyInstanceUid], options: [], allowStudentAi, durationMinutes: 60 });
  return { links, origin: new URL(links.studentUrl).origin };
}

async function outcomes(socket: ClassroomSocket): Promise<Map<string, string>> {
  const results = new Map<string, string>();
  for (const name of Object.keys(calls)) {
    const envelope = await socket.call(name, {});
    results.set(name, envelope.ok ? 'ok' : envelope.error.code);
  }
  return results;
}

describe('roles in a classroom', () => {
  it('refuses a student every call of the contract a student may not make, and no other', async () => {
    for (const name of [...studentCalls, ...studentAiCalls, ...teacherCalls]) expect(Object.keys(calls)).toContain(name);
    const { links, origin } = await startSession(false);
    const student = await openClassroomSocket(origin, await joinAsStudent(links.studentUrl, 'Student'));
    const results = await outcomes(student);
    expect(results.size).toBe(Object.keys(calls).length);
    for (const [name, outcome] of results) {
      if (studentCalls.includes(name)) expect(outcome, name).not.toBe('forbidden');
      else expect(outcome, name).toBe('forbidden');
    }
    const teacher = await openClassroomSocket(origin, await joinAsTeacher(links.teacherUrl));
    for (const [name, outcome] of await outcomes(teacher)) {
      if (teacherCalls.includes(name)) expect(outcome, name).not.toBe('forbidden');
      else expect(outcome, name).toBe('forbidden');
    }
  }, 120_000);

  it('answers a student the AI calls only when the teacher allows them', async () => {
    const { links, origin } = await startSession(true);
    const student = await openClassroomSocket(origin, await joinAsStudent(links.studentUrl, 'Student'));
    for (const name of studentAiCalls) {
      const envelope = await student.call(name, {});
      expect(envelope.ok ? 'ok' : envelope.error.code, name).not.toBe('forbidden');
    }
    const models = await student.call('inference.listModels', {});
    expect(models.ok).toBe(true);
    // A student's machine learns which models exist, never where the teacher's disk keeps them.
    const wire = JSON.stringify(models);
    expect(wire).toContain('radstation-compact');
    expect(wire).not.toMatch(/"dir"|\/models\b|[A-Za-z]:\\\\|\/(home|root|tmp|usr|work)\//);
  }, 120_000);

  it('refuses the raw routes a student could try: files outside the session, upload, forged cookies; a removed student is cut off', async () => {
    const { links, origin } = await startSession(false);
    const studentCookie = await joinAsStudent(links.studentUrl, 'Student');
    const student = await openClassroomSocket(origin, studentCookie);
    const sessionStudy = valueOf(await student.call<CallResponse<'studies.list'>>('studies.list', {})).studies[0]!;
    const sessionInstance = valueOf(await student.call<CallResponse<'viewer.study'>>('viewer.study', { studyInstanceUid: sessionStudy.studyInstanceUid })).series[0]!.instances[0]!.sopInstanceUid;
    expect((await fetch(`${origin}/files/instances/${sessionInstance}`, { headers: { cookie: studentCookie } })).status).toBe(200);
    // The owner's cache does not exist for the classroom: its instance is simply not there.
    expect([403, 404]).toContain((await fetch(`${origin}/files/instances/${ownerInstanceUid}`, { headers: { cookie: studentCookie } })).status);
    expect([400, 404]).toContain((await fetch(`${origin}/files/instances/..%2F..%2Fowner-cache`, { headers: { cookie: studentCookie } })).status);
    const upload = await fetch(`${origin}/upload`, { method: 'POST', headers: { cookie: studentCookie, 'content-type': 'application/dicom', 'x-radstation-filename': 'a.dcm' }, body: 'DICM' });
    expect(upload.status).toBe(403);
    // A forged classroom cookie, or the owner host's token cookie, opens nothing.
    const forged = `radstation_classroom=${randomBytes(24).toString('base64url')}`;
    expect((await fetch(`${origin}/`, { headers: { cookie: forged } })).status).toBe(401);
    expect((await fetch(`${origin}/files/instances/${sessionInstance}`, { headers: { cookie: forged } })).status).toBe(401);
    await expect(openClassroomSocket(origin, forged)).rejects.toThrow('HTTP 401');
    await expect(openClassroomSocket(origin, `radstation_token=${randomBytes(24).toString('base64url')}`)).rejects.toThrow('HTTP 401');
    // A student's socket cannot pose as the teacher by anything it sends.
    const posed = await student.call('teaching.roster', {});
    expect(posed.ok ? 'ok' : posed.error.code).toBe('forbidden');

    const teacher = await openClassroomSocket(origin, await joinAsTeacher(links.teacherUrl));
    const participantId = valueOf(await teacher.call<CallResponse<'teaching.roster'>>('teaching.roster')).participants[0]!.participantId;
    valueOf(await teacher.call('teaching.removeParticipant', { participantId }));
    expect(await student.closed).toBe(4401);
    expect((await fetch(`${origin}/`, { headers: { cookie: studentCookie } })).status).toBe(410);
    expect((await fetch(`${origin}/files/instances/${sessionInstance}`, { headers: { cookie: studentCookie } })).status).toBe(410);
    await expect(openClassroomSocket(origin, studentCookie)).rejects.toThrow('HTTP 410');
    expect(valueOf(await teacher.call<CallResponse<'teaching.roster'>>('teaching.roster')).participants).toEqual([]);
  }, 120_000);
});
