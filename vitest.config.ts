import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    // Native addons (better-sqlite3, onnxruntime-node) are safest in forked processes.
    pool: 'forks',
    // The second reporter names a file whose worker died mid-run, which vitest alone does not.
    reporters: ['default', './tests/helpers/unfinished-files-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
