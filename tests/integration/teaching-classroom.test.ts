import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src-main/services';
import type { CallResponse, StoredMeasurement, TeacherView } from '../../src-shared/contract';
import { joinAsStudent, joinAsTeacher, openClassroomSocket, ownerWithStudies, valueOf, type ClassroomSocket } from '../helpers/classroom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// What students see and do in a running class: unknown cases, their own measurements,
// following the teacher, and a quiz round trip, over real sockets of a real classroom host.
const temp = makeTempDir();
let owner: Services;
let origin: string;
let teacher: ClassroomSocket;
let ada: ClassroomSocket;
let bob: ClassroomSocket;
let adaCookie: string;
let teacherCookie: string;
let studyUid: string;
let seriesUid: string;
let instanceUids: string[];
const adaEvents: string[] = [];

beforeAll(async () => {
  owner = await ownerWithStudies(temp.dir, [sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')]);
  // clean-descriptors keeps the (cleaned) Study Description "HEAD", so there is something for an unknown case to hide.
  const links = await owner.teaching.start({ studyInstanceUids: [owner.studies.list({})[0]!.studyInstanceUid], options: ['clean-descriptors'], allowStudentAi: false, durationMinutes: 60 });
  origin = new URL(links.studentUrl).origin;
  teacherCookie = await joinAsTeacher(links.teacherUrl);
  adaCookie = await joinAsStudent(links.studentUrl, 'Ada');
  teacher = await openClassroomSocket(origin, teacherCookie);
  ada = await openClassroomSocket(origin, adaCookie);
  ada.ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; name?: string };
    if (message.type === 'event') adaEvents.push(message.name!);
  });
  bob = await openClassroomSocket(origin, await joinAsStudent(links.studentUrl, '=1+2 Bob'));
  studyUid = valueOf(await teacher.call<CallResponse<'teaching.cases'>>('teaching.cases')).cases[0]!.studyInstanceUid;
  const study = valueOf(await teacher.call<CallResponse<'viewer.study'>>('viewer.study', { studyInstanceUid: studyUid }));
  seriesUid = study.series[0]!.seriesInstanceUid;
  instanceUids = study.series[0]!.instances.map((instance) => instance.sopInstanceUid);
}, 120_000);

afterAll(async () => {
  await owner?.close();
  temp.cleanup();
});

async function studyDescriptionServed(cookie: string): Promise<string> {
  const response = await fetch(`${origin}/files/instances/${instanceUids[0]}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  const dataSet = dicomParser.parseDicom(new Uint8Array(await response.arrayBuffer()), { untilTag: 'x7fe00010' });
  return (dataSet.string('x00081030') ?? '').trim();
}

describe('a running class', () => {
  it('hides an unknown case from students until the teacher reveals it', async () => {
    const changed = ada.nextEvent('teaching.casesChanged');
    const updated = valueOf(await teacher.call<CallResponse<'teaching.updateCase'>>('teaching.updateCase', { caseId: 'case-1', title: 'Chronic subdural', notes: 'Left convexity', unknown: true }));
    // The teacher sees the case as it is, and that it is not revealed yet.
    expect(updated.case).toMatchObject({ title: 'Chronic subdural', notes: 'Left convexity', unknown: true, revealed: false });
    await changed;
    expect(valueOf(await ada.call<CallResponse<'teaching.cases'>>('teaching.cases')).cases[0]).toMatchObject({ title: 'Case 1', notes: '', unknown: true, revealed: false });
    expect(valueOf(await ada.call<CallResponse<'studies.list'>>('studies.list', {})).studies[0]!.studyDescription).toBe('');
    // Searching for the hidden words finds nothing, so a search cannot reveal them either.
    expect(valueOf(await ada.call<CallResponse<'studies.list'>>('studies.list', { text: 'HEAD' })).studies).toEqual([]);
    expect(valueOf(await ada.call<CallResponse<'viewer.study'>>('viewer.study', { studyInstanceUid: studyUid })).studyDescription).toBe('');
    const tags = valueOf(await ada.call<CallResponse<'studies.tags'>>('studies.tags', { sopInstanceUid: instanceUids[0] })).tags;
    expect(tags.find((node) => node.tag === '(0008,1030)')?.value ?? '').toBe('');
    const report = valueOf(await ada.call<CallResponse<'reports.get'>>('reports.get', { studyInstanceUid: studyUid }));
    expect([report.findings, report.impression]).toEqual(['', '']);
    expect(await studyDescriptionServed(adaCookie)).toBe('');
    // The teacher sees everything all along.
    expect(valueOf(await teacher.call<CallResponse<'studies.list'>>('studies.list', {})).studies[0]!.studyDescription).toBe('HEAD');
    expect(await studyDescriptionServed(teacherCookie)).toBe('HEAD');

    const revealed = ada.nextEvent('teaching.casesChanged');
    valueOf(await teacher.call('teaching.revealCase', { caseId: 'case-1' }));
    await revealed;
    expect(valueOf(await ada.call<CallResponse<'teaching.cases'>>('teaching.cases')).cases[0]).toMatchObject({ title: 'Chronic subdural', notes: 'Left convexity', revealed: true });
    expect(valueOf(await teacher.call<CallResponse<'teaching.cases'>>('teaching.cases')).cases[0]).toMatchObject({ unknown: true, revealed: true });
    expect(valueOf(await ada.call<CallResponse<'studies.list'>>('studies.list', { text: 'HEAD' })).studies[0]!.studyDescription).toBe('HEAD');
    expect(await studyDescriptionServed(adaCookie)).toBe('HEAD');
  }, 60_000);

  it("keeps each student's measurements to that student, outside every store", async () => {
    const measurement: StoredMeasurement = { annotationUid: 'a-1', toolName: 'Length', seriesInstanceUid: seriesUid, sopInstanceUid: instanceUids[3]!, label: 'Length 12.0 mm', annotationJson: '{}' };
    expect(valueOf(await ada.call('viewer.measurements.save', { studyInstanceUid: studyUid, measurements: [measurement] }))).toEqual({ saved: 1 });
    expect(valueOf(await ada.call<CallResponse<'viewer.measurements.list'>>('viewer.measurements.list', { studyInstanceUid: studyUid })).measurements).toEqual([measurement]);
    expect(valueOf(await bob.call<CallResponse<'viewer.measurements.list'>>('viewer.measurements.list', { studyInstanceUid: studyUid })).measurements).toEqual([]);
    expect(valueOf(await teacher.call<CallResponse<'viewer.measurements.list'>>('viewer.measurements.list', { studyInstanceUid: studyUid })).measurements).toEqual([]);
    const elsewhere = await ada.call('viewer.measurements.save', { studyInstanceUid: owner.studies.list({})[0]!.studyInstanceUid, measurements: [measurement] });
    expect(elsewhere.ok ? 'saved' : elsewhere.error.code).toBe('not-found');
  });

  it("pushes the teacher's view to students at once, and keeps the newest for 'back to teacher'", async () => {
    const follow = ada.nextEvent<{ following: boolean }>('teaching.follow');
    valueOf(await teacher.call('teaching.setFollow', { following: true }));
    expect((await follow).following).toBe(true);
    const view: TeacherView = { sequence: 5, sentAt: Date.now(), caseId: 'case-1', studyInstanceUid: studyUid, seriesInstanceUid: seriesUid, imageIndex: 12, voi: { windowCenter: 40, windowWidth: 80 }, zoom: 1.5, pan: [3, -2], annotations: [] };
    const pushedToAda = ada.nextEvent<TeacherView>('teaching.view');
    const pushedToBob = bob.nextEvent<TeacherView>('teaching.view');
    valueOf(await teacher.call('teaching.publishView', view));
    expect(await pushedToAda).toEqual(view);
    expect((await pushedToBob).imageIndex).toBe(12);
    // A late, older publication is dropped.
    valueOf(await teacher.call('teaching.publishView', { ...view, sequence: 4, imageIndex: 2 }));
    expect(valueOf(await bob.call<CallResponse<'teaching.teacherView'>>('teaching.teacherView'))).toEqual({ following: true, view });
    const wrongCase = await teacher.call('teaching.publishView', { ...view, sequence: 6, caseId: 'case-9' });
    expect(wrongCase.ok ? 'published' : wrongCase.error.code).toBe('invalid-request');
  });

  it('runs a quiz: answers, a live tally for the teacher only, reveal, own answers and the CSV', async () => {
    const opened = ada.nextEvent('teaching.quizzesChanged');
    const quiz = valueOf(await teacher.call<CallResponse<'teaching.createQuiz'>>('teaching.createQuiz', { caseId: 'case-1', text: 'Which side?', kind: 'multiple-choice', choices: ['Left', 'Right'], answer: 0 })).quiz;
    await opened;
    expect(valueOf(await ada.call<CallResponse<'teaching.quizzes'>>('teaching.quizzes')).quizzes[0]).toMatchObject({ quizId: quiz.quizId, open: true, answer: null });
    const tallies: Array<{ answered: number; counts: number[] }> = [];
    teacher.ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; name?: string; payload?: { answered: number; counts: number[] } };
      if (message.name === 'teaching.tally') tallies.push(message.payload!);
    });
    expect(valueOf(await ada.call('teaching.answerQuiz', { quizId: quiz.quizId, answer: { kind: 'multiple-choice', choice: 0 } }))).toEqual({ accepted: true });
    expect(valueOf(await bob.call('teaching.answerQuiz', { quizId: quiz.quizId, answer: { kind: 'multiple-choice', choice: 0 } }))).toEqual({ accepted: true });
    // Bob changes his mind: the latest answer counts.
    expect(valueOf(await bob.call('teaching.answerQuiz', { quizId: quiz.quizId, answer: { kind: 'multiple-choice', choice: 1 } }))).toEqual({ accepted: true });
    const wrongKind = await bob.call('teaching.answerQuiz', { quizId: quiz.quizId, answer: { kind: 'free-text', text: 'left' } });
    expect(wrongKind.ok ? 'accepted' : wrongKind.error.code).toBe('invalid-request');
    expect(valueOf(await teacher.call('teaching.quizTally', { quizId: quiz.quizId }))).toEqual({ quizId: quiz.quizId, answered: 2, participants: 2, counts: [1, 1], correct: null });
    expect(tallies.at(-1)).toMatchObject({ answered: 2, counts: [1, 1] });
    expect(valueOf(await ada.call<CallResponse<'teaching.myAnswers'>>('teaching.myAnswers')).answers).toEqual([{ quizId: quiz.quizId, answer: { kind: 'multiple-choice', choice: 0 }, correct: null }]);

    valueOf(await teacher.call('teaching.closeQuiz', { quizId: quiz.quizId }));
    expect(valueOf(await ada.call('teaching.answerQuiz', { quizId: quiz.quizId, answer: { kind: 'multiple-choice', choice: 1 } }))).toEqual({ accepted: false });
    const revealed = ada.nextEvent('teaching.quizzesChanged');
    valueOf(await teacher.call('teaching.revealQuiz', { quizId: quiz.quizId }));
    await revealed;
    expect(valueOf(await ada.call<CallResponse<'teaching.quizzes'>>('teaching.quizzes')).quizzes[0]).toMatchObject({ revealed: true, answer: 0 });
    expect(valueOf(await ada.call<CallResponse<'teaching.myAnswers'>>('teaching.myAnswers')).answers[0]!.correct).toBe(true);
    expect(valueOf(await bob.call<CallResponse<'teaching.myAnswers'>>('teaching.myAnswers')).answers[0]!.correct).toBe(false);
    expect(valueOf(await teacher.call<CallResponse<'teaching.quizTally'>>('teaching.quizTally', { quizId: quiz.quizId })).correct).toBe(1);

    const { csv, fileName } = valueOf(await teacher.call<CallResponse<'teaching.exportResults'>>('teaching.exportResults'));
    expect(fileName).toMatch(/\.csv$/);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('"display name","quiz","question","answer","correct","time"');
    expect(lines).toContainEqual(expect.stringMatching(/^"Ada","Quiz 1","Which side\?","Left","yes","\d{4}-/));
    // A name a spreadsheet would run as a formula is written as text.
    expect(lines).toContainEqual(expect.stringMatching(/^"'=1\+2 Bob","Quiz 1","Which side\?","Right","no",/));

    // Click questions need a target on an image of their case.
    const click = await teacher.call('teaching.createQuiz', { caseId: 'case-1', text: 'Point at it', kind: 'click', answer: { sopInstanceUid: '1.2.3', x: 10, y: 10, radius: 5 } });
    expect(click.ok ? 'created' : click.error.code).toBe('invalid-request');
    // Per-student data never reached a student's socket: no tally, no roster.
    expect(adaEvents).not.toContain('teaching.tally');
    expect(adaEvents).not.toContain('teaching.roster');
    expect(adaEvents).toContain('teaching.quizzesChanged');
  });
});
