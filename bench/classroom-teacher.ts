/**
 * The classroom benchmark's teacher (started by bench/classroom-bench.ts, not by hand): the
 * teacher's browser keeps working while the class loads, one call every 100 ms over a socket
 * of its own, timed. It runs in a process of its own, as a teacher's browser does: in the
 * students' process its replies would wait behind thirty simulated students' downloads on
 * that process's event loop, and the figure would time the simulation, not the host.
 * Arguments: origin, the teacher's cookie, the MR study's UID. On "stop" (stdin) it prints
 * one JSON line: {"latencies": [[call, ms]…], "failures": [message…]}.
 */
import readline from 'node:readline';
import { openClassroomSocket } from '../tests/helpers/classroom';

const [origin, cookie, studyInstanceUid] = process.argv.slice(2) as [string, string, string];
const teacher = await openClassroomSocket(origin, cookie);
const calls = [['teaching.roster', {}], ['studies.list', {}], ['teaching.cases', {}], ['viewer.study', { studyInstanceUid }]] as const;
const latencies: Array<[string, number]> = [];
const failures: string[] = [];
let running = true;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const loop = (async () => {
  for (let index = 0; running; index += 1) {
    const [name, payload] = calls[index % calls.length]!;
    const started = performance.now();
    const result = await teacher.call(name, payload);
    latencies.push([name, performance.now() - started]);
    if (!result.ok) failures.push(`teacher ${name}: ${result.error.message}`);
    await sleep(100);
  }
})();
process.stdout.write('ready\n');

for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line.trim() !== 'stop') continue;
  running = false;
  await loop;
  teacher.close();
  await teacher.closed;
  process.stdout.write(`${JSON.stringify({ latencies, failures })}\n`);
  break;
}
process.exit(0);
