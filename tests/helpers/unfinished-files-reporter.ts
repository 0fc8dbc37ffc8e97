import path from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/**
 * Names the test files whose worker process died before they finished. When a native addon
 * crashes a forked worker, vitest only says "Worker exited unexpectedly" and counts one file too
 * few, without naming it; in CI's shortened log that leaves nothing to act on. This reporter keeps
 * the files and the test case last started in each, and after the run prints those that never ended.
 */
export default class UnfinishedFilesReporter implements Reporter {
  private readonly running = new Map<string, string | undefined>();

  onTestModuleStart(testModule: TestModule): void {
    this.running.set(testModule.moduleId, undefined);
  }

  onTestCaseReady(testCase: TestCase): void {
    if (this.running.has(testCase.module.moduleId)) this.running.set(testCase.module.moduleId, testCase.fullName);
  }

  onTestModuleEnd(testModule: TestModule): void {
    this.running.delete(testModule.moduleId);
  }

  onTestRunEnd(): void {
    if (this.running.size === 0) return;
    const lines = [...this.running].map(([moduleId, lastCase]) =>
      `  ${path.relative(process.cwd(), moduleId)}${lastCase ? `, last test started: ${lastCase}` : ', before its first test'}`);
    process.stdout.write(`\nTest files that started and never finished (their worker process died):\n${lines.join('\n')}\n`);
  }
}
