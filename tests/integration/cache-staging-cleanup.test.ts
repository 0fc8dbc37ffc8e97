import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newStagingFile } from '../../src-main/studies/store/file-store';
import { createStudyService } from '../../src-main/studies/study-service';
import { repoRoot } from '../helpers/cli-process';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

describe('staging files of a killed import', () => {
  it('are removed when the cache next opens, while a live process keeps its own', () => {
    const cacheDir = path.join(temp.dir, 'cache');
    // A real process stages a file the way an import does, then is killed before it can clean up.
    const script = `
import fs from 'node:fs';
import { newStagingFile } from ${JSON.stringify(path.join(repoRoot, 'src-main', 'studies', 'store', 'file-store.ts'))};
const file = newStagingFile(process.argv[1], 'entry');
fs.writeFileSync(file, Buffer.alloc(4096, 7));
process.stdout.write(file, () => process.kill(process.pid, 'SIGKILL'));`;
    const killed = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, cacheDir], { cwd: repoRoot, encoding: 'utf8' });
    expect(killed.signal).toBe('SIGKILL');
    const leftover = killed.stdout.trim();
    expect(fs.existsSync(leftover), `the killed process left ${leftover}`).toBe(true);
    // This process is alive: its staging file is an import in progress and must stay.
    const live = newStagingFile(cacheDir, 'entry');
    fs.writeFileSync(live, 'in progress');

    const studies = createStudyService(cacheDir);
    studies.close();
    expect(fs.existsSync(leftover)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
  });
});
