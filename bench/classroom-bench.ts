/**
 * npm run bench:classroom
 *
 * A teaching session with the 176-slice MR and the 28-slice CT of ../shared/data, in a host
 * process of its own (bench/classroom-host.ts), and 30 simulated students doing over HTTP and
 * WebSocket what a student's browser does: post the name form, open the socket, list the
 * cases and studies, load every slice of the MR series through /files (6 requests at a time,
 * as a browser does per host), follow the teacher through 50 slice changes published at 20
 * per second, and answer a multiple-choice quiz. Meanwhile the teacher, in a process of its
 * own (bench/classroom-teacher.ts), makes a call every 100 ms. Prints p50/p95 figures (the
 * teacher's per call too, and the host's event loop delay) and ends with one JSON line:
 *   {"students", "series_load_p95_ms", "follow_p95_ms", "teacher_call_p95_ms", "errors", "peak_rss_mb"}
 * (peak_rss_mb: the host process while the class runs; the students run in this process).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { CallResponse, TeacherView } from '../src-shared/contract';
import { joinAsStudent, joinAsTeacher, openClassroomSocket, valueOf, type ClassroomSocket } from '../tests/helpers/classroom';

const studentCount = Number(process.env.CLASSROOM_STUDENTS ?? 30);
const followSteps = 50;
const parallelFetches = 6;
const sharedData = path.resolve(process.env.RADSTATION_SHARED_DATA ?? path.join(import.meta.dirname, '..', '..', 'shared', 'data'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-bench-classroom-'));
let errors = 0;
const problems: string[] = [];
const fail = (what: string): void => {
  errors += 1;
  if (problems.length < 10) problems.push(what);
};

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (value: number): number => Math.round(value * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

console.log('Starting the host process: importing the MR and the CT, then de-identifying them into a session store…');
const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'classroom-host.ts'), work, sharedData], { stdio: ['pipe', 'pipe', 'inherit'] });
const hostLines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
const nextHostLine = async <T>(): Promise<T> => JSON.parse(((await hostLines.next()).value as string | undefined) ?? 'null') as T;
const links = await nextHostLine<{ teacherUrl: string; studentUrl: string; sessionId: string; sessionStartMs: number }>();
console.log(`Session started in ${Math.round(links.sessionStartMs)} ms (de-identify and import of 204 instances).`);
const origin = new URL(links.studentUrl).origin;

const teacherCookie = await joinAsTeacher(links.teacherUrl);
const teacher = await openClassroomSocket(origin, teacherCookie);
const cases = valueOf(await teacher.call<CallResponse<'teaching.cases'>>('teaching.cases')).cases;
const studies = await Promise.all(cases.map(async (item) => valueOf(await teacher.call<CallResponse<'viewer.study'>>('viewer.study', { studyInstanceUid: item.studyInstanceUid }))));
const mrIndex = studies.findIndex((study) => study.series.some((series) => series.instances.length === 176));
const mrCase = cases[mrIndex]!;
const mrSeries = studies[mrIndex]!.series.find((series) => series.instances.length === 176)!;

// The teacher keeps working while the class loads: one call every 100 ms, timed, from a
// process of its own (bench/classroom-teacher.ts), as a teacher's browser is.
const teacherLoop = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'classroom-teacher.ts'), origin, teacherCookie, mrCase.studyInstanceUid], { stdio: ['pipe', 'pipe', 'inherit'] });
const teacherLines = readline.createInterface({ input: teacherLoop.stdout! })[Symbol.asyncIterator]();
const nextTeacherLine = async (): Promise<string> => ((await teacherLines.next()).value as string | undefined) ?? '';
if ((await nextTeacherLine()) !== 'ready') throw new Error('the teacher process did not start');
const teacherLatencies: number[] = [];
const teacherLatenciesByCall = new Map<string, number[]>();
const timeTeacherCall = (name: string, ms: number): void => {
  teacherLatencies.push(ms);
  teacherLatenciesByCall.set(name, [...(teacherLatenciesByCall.get(name) ?? []), ms]);
};

interface Student {
  socket: ClassroomSocket;
  loadMs: number;
  followLatencies: number[];
  viewsSeen: Set<number>;
}

async function loadSeries(cookie: string, uids: string[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < uids.length) {
      const uid = uids[next++]!;
      const response = await fetch(`${origin}/files/instances/${uid}`, { headers: { cookie } });
      const body = await response.arrayBuffer();
      if (response.status !== 200 || body.byteLength < 1000) fail(`/files ${uid}: HTTP ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: parallelFetches }, worker));
}

async function joinAndLoad(index: number): Promise<Student> {
  const cookie = await joinAsStudent(links.studentUrl, `Student ${index + 1}`);
  const socket = await openClassroomSocket(origin, cookie);
  const student: Student = { socket, loadMs: 0, followLatencies: [], viewsSeen: new Set() };
  socket.ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; name?: string; payload?: TeacherView };
    if (message.type === 'event' && message.name === 'teaching.view') {
      student.followLatencies.push(Date.now() - message.payload!.sentAt);
      student.viewsSeen.add(message.payload!.sequence);
    }
  });
  const started = performance.now();
  for (const [name, payload] of [['teaching.whoami', {}], ['teaching.cases', {}], ['studies.list', {}], ['studies.series', { studyInstanceUid: mrCase.studyInstanceUid }]] as const) {
    const result = await socket.call(name, payload);
    if (!result.ok) fail(`student ${name}: ${result.error.message}`);
  }
  const listed = await socket.call<CallResponse<'studies.instances'>>('studies.instances', { seriesInstanceUid: mrSeries.seriesInstanceUid });
  if (!listed.ok) {
    fail(`student studies.instances: ${listed.error.message}`);
    return student;
  }
  await loadSeries(cookie, listed.value.instances.map((instance) => instance.sopInstanceUid));
  student.loadMs = performance.now() - started;
  return student;
}

console.log(`${studentCount} students join and each loads the ${mrSeries.instances.length}-slice MR series…`);
const loadStarted = performance.now();
const students = await Promise.all(Array.from({ length: studentCount }, (_, index) =>
  joinAndLoad(index).catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    fail(`student ${index + 1}: ${String(error)}${cause}`);
    return undefined;
  }),
)).then((list) => list.filter((item): item is Student => item !== undefined));
const loadWallMs = performance.now() - loadStarted;

console.log(`The teacher turns follow-me on and steps through ${followSteps} slices at 20 per second…`);
valueOf(await teacher.call('teaching.setFollow', { following: true }));
for (let step = 1; step <= followSteps; step += 1) {
  const view: TeacherView = { sequence: step, sentAt: Date.now(), caseId: mrCase.caseId, studyInstanceUid: mrCase.studyInstanceUid, seriesInstanceUid: mrSeries.seriesInstanceUid, imageIndex: 60 + step, voi: { windowCenter: 300, windowWidth: 600 }, zoom: 1, pan: [0, 0], annotations: [] };
  const started = performance.now();
  const result = await teacher.call('teaching.publishView', view);
  timeTeacherCall('teaching.publishView', performance.now() - started);
  if (!result.ok) fail(`publishView: ${result.error.message}`);
  await sleep(50);
}
await sleep(500);
for (const student of students) if (student.viewsSeen.size !== followSteps) fail(`a student saw ${student.viewsSeen.size} of ${followSteps} views`);

console.log('The teacher asks a quiz; every student answers…');
const quiz = valueOf(await teacher.call<CallResponse<'teaching.createQuiz'>>('teaching.createQuiz', { caseId: mrCase.caseId, text: 'Which sequence is this?', kind: 'multiple-choice', choices: ['T1', 'T2', 'FLAIR'], answer: 0 })).quiz;
await Promise.all(students.map(async (student, index) => {
  const result = await student.socket.call<CallResponse<'teaching.answerQuiz'>>('teaching.answerQuiz', { quizId: quiz.quizId, answer: { kind: 'multiple-choice', choice: index % 3 } });
  if (!result.ok || !result.value.accepted) fail(`answer ${index + 1}: ${result.ok ? 'not accepted' : result.error.message}`);
}));
const tally = valueOf(await teacher.call<CallResponse<'teaching.quizTally'>>('teaching.quizTally', { quizId: quiz.quizId }));
if (tally.answered !== studentCount) fail(`the tally counts ${tally.answered} answers of ${studentCount}`);

teacherLoop.stdin!.write('stop\n');
const teacherRun = JSON.parse(await nextTeacherLine()) as { latencies: Array<[string, number]>; failures: string[] };
for (const [name, ms] of teacherRun.latencies) timeTeacherCall(name, ms);
for (const failure of teacherRun.failures) fail(failure);
child.stdin!.write('stop\n');
const { peak_rss_mb: peakRssMb, loop_delay_p99_ms: loopDelayP99, loop_delay_max_ms: loopDelayMax } = await nextHostLine<{ peak_rss_mb: number; loop_delay_p99_ms: number; loop_delay_max_ms: number }>();
for (const student of students) student.socket.close();
teacher.close();
await new Promise((resolve) => child.once('exit', resolve));
fs.rmSync(work, { recursive: true, force: true });

const loads = students.map((student) => student.loadMs);
const follows = students.flatMap((student) => student.followLatencies);
console.log(`series load per student (${mrSeries.instances.length} slices): p50 ${round(percentile(loads, 50))} ms, p95 ${round(percentile(loads, 95))} ms; all ${studentCount} done in ${Math.round(loadWallMs)} ms`);
console.log(`follow latency (${follows.length} deliveries): p50 ${round(percentile(follows, 50))} ms, p95 ${round(percentile(follows, 95))} ms`);
console.log(`teacher call latency during the class (${teacherLatencies.length} calls): p50 ${round(percentile(teacherLatencies, 50))} ms, p95 ${round(percentile(teacherLatencies, 95))} ms`);
for (const [name, latencies] of teacherLatenciesByCall) console.log(`  ${name} (${latencies.length}): p50 ${round(percentile(latencies, 50))} ms, p95 ${round(percentile(latencies, 95))} ms, max ${round(Math.max(...latencies))} ms`);
console.log(`host event loop delay during the class: p99 ${round(loopDelayP99)} ms, max ${round(loopDelayMax)} ms`);
console.log(`errors: ${errors}${problems.length ? ` (${problems.join('; ')})` : ''}; host peak RSS during the class: ${peakRssMb} MB`);
console.log(JSON.stringify({
  students: studentCount,
  series_load_p95_ms: round(percentile(loads, 95)),
  follow_p95_ms: round(percentile(follows, 95)),
  teacher_call_p95_ms: round(percentile(teacherLatencies, 95)),
  errors,
  peak_rss_mb: peakRssMb,
}));
process.exit(errors === 0 ? 0 : 1);
