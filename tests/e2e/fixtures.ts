import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';

export interface RunningHost {
  /**
   * A fresh one-time join link each time it is read, as a teacher hands one to each
   * browser: opening it trades the code for the token cookie and lands on the app.
   */
  readonly url: string;
  origin: string;
  /** For scripts: sent in the x-radstation-token header, never in a URL. */
  token: string;
  cacheDir: string;
  /** Runs the CLI against the same cache (for imports in later tests). */
  cliArgs: (args: string[]) => string[];
}

/**
 * Join links made ahead, so `host.url` can hand out a fresh one synchronously: each page
 * in a test opens the app the way a user does, through a link that works once.
 */
class JoinLinkPool {
  private readonly links: string[];
  private refilling: Promise<void> | undefined;

  constructor(
    private readonly origin: string,
    private readonly token: string,
    printed: string,
  ) {
    this.links = [printed];
  }

  async refill(count = 40): Promise<void> {
    for (let made = 0; made < count; made += 1) {
      const response = await fetch(`${this.origin}/join`, { method: 'POST', headers: { 'x-radstation-token': this.token } });
      if (response.status !== 201) throw new Error(`the host refused to make a join link: HTTP ${response.status}`);
      this.links.push(`${this.origin}${((await response.json()) as { path: string }).path}`);
    }
  }

  take(): string {
    if (this.links.length < 10 && this.refilling === undefined) {
      this.refilling = this.refill().finally(() => (this.refilling = undefined));
      this.refilling.catch(() => {});
    }
    const link = this.links.shift();
    if (link === undefined) throw new Error('no join link left; the pool refills in the background, so read host.url less often');
    return link;
  }
}

/** Starts `radstation serve` as a user would, on a free port with a temporary cache, and stops it after. */
export async function startHost(extraArgs: string[] = []): Promise<{ host: RunningHost; stop: () => Promise<void> }> {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/radstation.js', 'serve', '--cache', cacheDir, '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let token = '';
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the host did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      token = /^Token: (\S+)$/m.exec(output)?.[1] ?? token;
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
  const origin = new URL(url).origin;
  const joinLinks = new JoinLinkPool(origin, token, url);
  await joinLinks.refill();
  const host: RunningHost = {
    get url() {
      return joinLinks.take();
    },
    origin,
    token,
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
