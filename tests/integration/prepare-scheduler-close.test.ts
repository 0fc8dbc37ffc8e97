import { afterAll, describe, expect, it } from 'vitest';
import { PrepareScheduler } from '../../src-main/studies/import/prepare/prepare-scheduler';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * A small import ends before its helper threads are up, and the scheduler then stops them. A
 * helper stopped before it said it was ready must not leave a rejected promise nobody handles:
 * CI counted ten such "unhandled errors" in one run and failed though every test passed.
 * Real worker threads; the process's unhandledRejection event is what vitest reports.
 */
const temp = makeTempDir();
afterAll(() => temp.cleanup());

describe('the import helper threads', () => {
  it('can be closed before they are ready without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    // vitest's own listener would report the rejection as an error of the run; this test reports it as its failure instead.
    const others = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', listener);
    try {
      for (let round = 0; round < 3; round++) {
        const scheduler = new PrepareScheduler(temp.dir, 2);
        expect(scheduler.helperCount).toBe(2);
        await scheduler.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      process.off('unhandledRejection', listener);
      for (const other of others) process.on('unhandledRejection', other);
    }
    expect(unhandled.map(String)).toEqual([]);
  });
});
