import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileAnswer } from '../../src-main/host/http-answer';
import { SessionFiles } from '../../src-main/teaching/session-files';
import { makeTempDir } from '../helpers/temp-dir';

// The classroom's file answers kept in memory: right bytes, a bound that holds, large files
// left to streaming, nothing kept once the session ends. Plain files stand in for the
// store's instances here (no case is hidden, so nothing is parsed); the redacted path runs
// on real DICOM in tests/integration/teaching-files.test.ts.
const temp = makeTempDir();
afterAll(() => temp.cleanup());

const files = new Map<string, string>();
for (const [uid, size] of [['1.2.1', 100], ['1.2.2', 100], ['1.2.3', 100], ['1.2.9', 1000]] as const) {
  const file = path.join(temp.dir, `${uid}.dcm`);
  fs.writeFileSync(file, Buffer.alloc(size, Number(uid.slice(-1))));
  files.set(uid, file);
}
const sessionFiles = (): SessionFiles => new SessionFiles({ resolveInstanceFile: (uid) => files.get(uid), hiddenFromStudents: () => false, maxBytes: 250, maxFileBytes: 500 });
const bodyOf = (answer: FileAnswer): Buffer => {
  if (answer.status !== 200 || !('body' in answer)) throw new Error(`expected bytes, got ${JSON.stringify(answer)}`);
  return answer.body;
};

describe('session files', () => {
  it("answers each instance with its file's bytes, keeping no more than the bound", async () => {
    const kept = sessionFiles();
    for (let round = 0; round < 2; round += 1) {
      for (const uid of ['1.2.1', '1.2.2', '1.2.3']) {
        expect(bodyOf(await kept.answer('student', `/files/instances/${uid}`)).equals(fs.readFileSync(files.get(uid)!))).toBe(true);
        expect(kept.held).toBeLessThanOrEqual(250);
      }
    }
    expect(kept.held).toBe(200);
    kept.clear();
    expect(kept.held).toBe(0);
  });

  it('reads a file asked for by many students at once only once', async () => {
    const kept = sessionFiles();
    const bodies = await Promise.all(Array.from({ length: 10 }, () => kept.answer('student', '/files/instances/1.2.1').then(bodyOf)));
    for (const body of bodies) expect(body).toBe(bodies[0]);
    expect(kept.held).toBe(100);
  });

  it('leaves a file over the size bound to be streamed from disk, and refuses what the store does not hold', async () => {
    const kept = sessionFiles();
    expect(await kept.answer('teacher', '/files/instances/1.2.9')).toEqual({ status: 200, filePath: files.get('1.2.9'), contentType: 'application/dicom' });
    expect(kept.held).toBe(0);
    expect((await kept.answer('student', '/files/instances/1.2.7')).status).toBe(404);
    expect((await kept.answer('student', '/files/instances/../1.2.1')).status).toBe(400);
  });
});
