import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResponse } from '../../src-shared/contract';
import { joinAsStudent, openClassroomSocket, ownerWithStudies, valueOf } from '../helpers/classroom';
import { cliArgs, repoRoot, runCliToExit } from '../helpers/cli-process';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/** `radstation teach` as a teacher runs it: a real child process over a real cache. */
const rendererIndex = path.join(repoRoot, 'out', 'renderer', 'index.html');
const built = fs.existsSync(rendererIndex);
if (!built) console.log(`SKIPPED the running 'radstation teach' test: ${rendererIndex} is missing; run 'npm run build' first.`);

const temp = makeTempDir();
const cacheDir = path.join(temp.dir, 'owner-cache');
let studyUid: string;

beforeAll(async () => {
  const owner = await ownerWithStudies(temp.dir, [sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')]);
  studyUid = owner.studies.list({})[0]!.studyInstanceUid;
  await owner.close();
}, 120_000);

afterAll(() => temp.cleanup());

describe('radstation teach', () => {
  it.each([
    [['teach'], 2, /^radstation: teach: --study: /],
    [['teach', '--study', '1.2.3', '--minutes', 'soon'], 2, /^radstation: teach: --minutes: /],
    [['teach', '--study', '1.2.3', '--option', 'keep-everything'], 2, /^radstation: teach: --option: /],
  ])('%j prints one line on stderr and exits %i', async (args, code, message) => {
    const result = await runCliToExit([...args, '--cache', cacheDir]);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  }, 60_000);

  it.skipIf(!built)('refuses a study the cache does not hold', async () => {
    const result = await runCliToExit(['teach', '--study', '1.2.3.4', '--cache', cacheDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/radstation: the cache has no study with UID 1\.2\.3\.4/);
  }, 60_000);

  it.skipIf(!built)('prints the teacher link, the student link and the code, serves the class, and ends on Ctrl+C', async () => {
    const child: ChildProcess = spawn(process.execPath, cliArgs('teach', '--study', studyUid, '--cache', cacheDir, '--minutes', '30'), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const printed = await new Promise<{ teacher: string; student: string; code: string }>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        output += chunk.toString();
        const teacher = /^Teacher link .*: (\S+)$/m.exec(output)?.[1];
        const student = /^Student link: (\S+)$/m.exec(output)?.[1];
        const code = /^Session code: (\S+)$/m.exec(output)?.[1];
        if (teacher && student && code) resolve({ teacher, student, code });
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (exitCode) => reject(new Error(`teach exited with ${exitCode}:\n${output}`)));
    });
    expect(printed.student).toBe(`${new URL(printed.teacher).origin}/s/${printed.code}`);
    expect(new URL(printed.teacher).pathname).toBe('/join');
    const cookie = await joinAsStudent(printed.student, 'Cli student');
    const student = await openClassroomSocket(new URL(printed.student).origin, cookie);
    expect(valueOf(await student.call<CallResponse<'teaching.whoami'>>('teaching.whoami'))).toMatchObject({ role: 'student', displayName: 'Cli student' });
    const page = await fetch(new URL(printed.student).origin, { headers: { cookie } });
    expect(await page.text()).toContain('<div id="root"></div>');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await student.closed).toBe(4401);
    expect(await exited).toBe(0);
    expect(stdout).toContain('The session has ended');
    // The session's de-identified store went with it, before the command exited.
    expect(fs.readdirSync(path.join(cacheDir, 'teaching'))).toEqual([]);
  }, 120_000);
});
