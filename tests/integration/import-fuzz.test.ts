import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBatch, reasonHistogram, writeBatch } from '../../bench/fuzz-import/campaign';
import { listBases } from '../../bench/fuzz-import/mutants';
import { runImport } from '../../src-main/studies/import/run-import';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

/** Fixed, so a failure here is reproduced by `npm run fuzz:import -- --seed 16 --count 300`. */
const seed = 16;
const count = 300;

describe.skipIf(process.platform === 'win32')('import fuzzing (mutants of the conformance files, and special files)', () => {
  it(`imports ${count} mutants without a crash or a hang, accounts for every file and leaves a sound cache`, async () => {
    const bases = listBases(sharedDataPath('dicom', 'conformance'));
    expect(bases.length).toBeGreaterThan(100);
    const batch = await writeBatch(path.join(temp.dir, 'mutants'), bases, count, seed);
    const cacheDir = path.join(temp.dir, 'cache');
    try {
      const finished = await Promise.race([
        runImport({ importId: 'fuzz', cacheDir, paths: [batch.folder], mode: 'copy' }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the import hangs (no answer in 120 s)')), 120_000).unref()),
      ]);
      expect(finished.status, finished.message).toBe('completed');
      const check = await checkBatch(cacheDir, finished.report, batch);
      console.log(
        `import fuzz (seed ${seed}): ${count} mutants ${JSON.stringify(batch.byKind)} + ${batch.specials.count} special files; ` +
          `${finished.report.instances} imported, ${finished.report.duplicates} duplicates, ${finished.report.conflicts.length} conflicts, ${finished.report.failed.length} refused; ` +
          `tags read ${check.tagsRead}, refused ${check.tagsRefused}; thumbnails ${check.thumbnailsMade} made, ${check.thumbnailsUnavailable} unavailable; problems ${check.problems.length}`,
      );
      console.log(reasonHistogram([finished.report], 8).map(({ reason, count: n }) => `  ${n} × ${reason}`).join('\n'));
      expect(check.problems).toEqual([]);
      expect(finished.report.instances).toBeGreaterThan(0);
      expect(finished.report.failed.length).toBeGreaterThan(0);
    } finally {
      await batch.specials.close();
    }
  }, 180_000);
});
