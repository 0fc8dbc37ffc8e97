import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src-main/services';
import type { CallResponse } from '../../src-shared/contract';
import { joinAsStudent, joinAsTeacher, openClassroomSocket, ownerWithStudies, valueOf, type ClassroomSocket } from '../helpers/classroom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// The classroom's /files under a class's load: the bytes each role gets are the session
// store's own (or, for students on an unknown case, the same bytes with the hidden values
// blanked), however often and however many at once they are asked for, and the teacher's
// calls are answered while a hundred file requests are in flight. Real host, real sockets,
// the real CT series; the store's files on disk are the reference.
const temp = makeTempDir();
let owner: Services;
let origin: string;
let teacher: ClassroomSocket;
let student: ClassroomSocket;
let teacherCookie: string;
let studentCookie: string;
let studyUid: string;
let seriesUid: string;
let instanceUids: string[];
/** The session store's file of each instance, read from disk. */
const storeBytes = new Map<string, Buffer>();

function filesUnder(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.name.endsWith('.dcm') ? [full] : [];
  });
}

async function fetchInstance(uid: string, cookie: string): Promise<Buffer> {
  const response = await fetch(`${origin}/files/instances/${uid}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

const studyDescriptionOf = (bytes: Buffer): string => (dicomParser.parseDicom(new Uint8Array(bytes), { untilTag: 'x7fe00010' }).string('x00081030') ?? '').trim();

/** A redacted copy: the original with some values overwritten by spaces, nothing else changed. */
function expectBlankedCopyOf(redacted: Buffer, original: Buffer): void {
  expect(redacted.length).toBe(original.length);
  let changed = 0;
  for (let index = 0; index < original.length; index += 1) {
    if (redacted[index] === original[index]) continue;
    expect(redacted[index]).toBe(0x20);
    changed += 1;
  }
  expect(changed).toBeGreaterThan(0);
  expect(studyDescriptionOf(redacted)).toBe('');
}

beforeAll(async () => {
  owner = await ownerWithStudies(temp.dir, [sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')]);
  // clean-descriptors keeps the (cleaned) Study Description "HEAD": something for an unknown case to hide.
  const links = await owner.teaching.start({ studyInstanceUids: [owner.studies.list({})[0]!.studyInstanceUid], options: ['clean-descriptors'], allowStudentAi: false, durationMinutes: 60 });
  origin = new URL(links.studentUrl).origin;
  teacherCookie = await joinAsTeacher(links.teacherUrl);
  studentCookie = await joinAsStudent(links.studentUrl, 'Ada');
  teacher = await openClassroomSocket(origin, teacherCookie);
  student = await openClassroomSocket(origin, studentCookie);
  studyUid = valueOf(await teacher.call<CallResponse<'teaching.cases'>>('teaching.cases')).cases[0]!.studyInstanceUid;
  const study = valueOf(await teacher.call<CallResponse<'viewer.study'>>('viewer.study', { studyInstanceUid: studyUid }));
  seriesUid = study.series[0]!.seriesInstanceUid;
  instanceUids = study.series[0]!.instances.map((instance) => instance.sopInstanceUid);
  for (const file of filesUnder(path.join(temp.dir, 'owner-cache', 'teaching', links.sessionId))) {
    const bytes = fs.readFileSync(file);
    const uid = dicomParser.parseDicom(new Uint8Array(bytes), { untilTag: 'x7fe00010' }).string('x00080018');
    if (uid !== undefined) storeBytes.set(uid, bytes);
  }
}, 120_000);

afterAll(async () => {
  await owner?.close();
  temp.cleanup();
});

describe("a classroom's files under load", () => {
  it("serves the store's bytes as they are, on every fetch, to the teacher and to students on a known case", async () => {
    expect(instanceUids).toHaveLength(28);
    expect([...storeBytes.keys()].sort()).toEqual([...instanceUids].sort());
    for (let round = 0; round < 2; round += 1) {
      for (const uid of instanceUids) {
        expect((await fetchInstance(uid, teacherCookie)).equals(storeBytes.get(uid)!)).toBe(true);
        expect((await fetchInstance(uid, studentCookie)).equals(storeBytes.get(uid)!)).toBe(true);
      }
    }
  }, 60_000);

  it("answers the teacher's calls while a hundred file requests are in flight, and every file comes back whole", async () => {
    valueOf(await teacher.call('teaching.updateCase', { caseId: 'case-1', unknown: true }));
    const studentCopies = new Map<string, Buffer>();
    for (const uid of instanceUids) studentCopies.set(uid, await fetchInstance(uid, studentCookie));
    for (const uid of instanceUids) expectBlankedCopyOf(studentCopies.get(uid)!, storeBytes.get(uid)!);

    // A hundred at once: students on the unknown case and the teacher, mixed.
    const requested = Array.from({ length: 100 }, (_, index) => ({ uid: instanceUids[index % instanceUids.length]!, asTeacher: index % 4 === 0 }));
    const downloads = requested.map(({ uid, asTeacher }) => fetchInstance(uid, asTeacher ? teacherCookie : studentCookie));
    const teacherCalls = Promise.all([
      teacher.call<CallResponse<'viewer.study'>>('viewer.study', { studyInstanceUid: studyUid }),
      teacher.call<CallResponse<'teaching.roster'>>('teaching.roster', {}),
      student.call<CallResponse<'viewer.study'>>('viewer.study', { studyInstanceUid: studyUid }),
    ]);
    const [[teacherStudy, roster, studentStudy], bodies] = await Promise.all([teacherCalls, Promise.all(downloads)]);
    expect(valueOf(teacherStudy).studyDescription).toBe('HEAD');
    expect(valueOf(studentStudy).studyDescription).toBe('');
    expect(valueOf(roster).participants.map((participant) => participant.displayName)).toEqual(['Ada']);
    bodies.forEach((body, index) => {
      const { uid, asTeacher } = requested[index]!;
      expect(body.equals(asTeacher ? storeBytes.get(uid)! : studentCopies.get(uid)!)).toBe(true);
    });

    // The students' redacted copies never leak into what the teacher gets, nor the teacher's into theirs.
    expect(valueOf(await teacher.call<CallResponse<'viewer.study'>>('viewer.study', { studyInstanceUid: studyUid })).studyDescription).toBe('HEAD');
    expect((await fetchInstance(instanceUids[0]!, teacherCookie)).equals(storeBytes.get(instanceUids[0]!)!)).toBe(true);
    expect(studyDescriptionOf(await fetchInstance(instanceUids[0]!, studentCookie))).toBe('');

    valueOf(await teacher.call('teaching.revealCase', { caseId: 'case-1' }));
    for (const uid of instanceUids) expect((await fetchInstance(uid, studentCookie)).equals(storeBytes.get(uid)!)).toBe(true);
    expect(valueOf(await student.call<CallResponse<'viewer.study'>>('viewer.study', { studyInstanceUid: studyUid })).studyDescription).toBe('HEAD');
  }, 60_000);

  it('gives every student the same instance list as the teacher, call after call', async () => {
    const teacherList = valueOf(await teacher.call<CallResponse<'studies.instances'>>('studies.instances', { seriesInstanceUid: seriesUid }));
    expect(teacherList.instances.map((instance) => instance.sopInstanceUid)).toEqual(instanceUids);
    for (let round = 0; round < 3; round += 1) {
      expect(valueOf(await student.call<CallResponse<'studies.instances'>>('studies.instances', { seriesInstanceUid: seriesUid }))).toEqual(teacherList);
    }
    const unknownSeries = await student.call('studies.instances', { seriesInstanceUid: '1.2.3.4.5' });
    expect(unknownSeries.ok ? 'listed' : unknownSeries.error.code).toBe('not-found');
  });
});
