import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';

export interface RunningHost {
  url: string;
  origin: string;
  token: string;
  cacheDir: string;
  /** Runs the CLI against the same cache (for imports in later tests). */
  cliArgs: (args: string[]) => string[];
}

/** Starts `radstation serve` as a user would, on a free port with a temporary cache, and stops it after. */
export async function startHost(extraArgs: string[] = []): Promise<{ host: RunningHost; stop: () => Promise<void> }> {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/radstation.js', 'serve', '--cache', cacheDir, '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the host did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open: (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the host exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  const host: RunningHost = {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    cacheDir,
    cliArgs: (args) => ['bin/radstation.js', ...args, '--cache', cacheDir],
  };
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(cacheDir, { recursive: true, force: true });
  };
  return { host, stop };
}

export const test = base.extend<object, { webHost: RunningHost }>({
  webHost: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { host, stop } = await startHost();
      await use(host);
      await stop();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
