import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgs, repoRoot, runCliToExit } from '../helpers/cli-process';
import { makeTempDir } from '../helpers/temp-dir';

/** `radstation serve` as a user runs it: a real child process, real HTTP, the built renderer. */
const rendererIndex = path.join(repoRoot, 'out', 'renderer', 'index.html');
const built = fs.existsSync(rendererIndex);
if (!built) console.log(`SKIPPED radstation serve tests that need the renderer: ${rendererIndex} is missing; run 'npm run build' first.`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A GET with the path sent exactly as written: fetch() would resolve the dot segments first. */
function rawGet(port: number, requestPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: requestPath, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.once('error', reject);
  });
}

describe('radstation serve: bad arguments', () => {
  it.each([
    [['serve', '--port', '70000'], /^radstation: --port must be a whole number from 0 to 65535, not "70000"\.$/],
    [['serve', '--prot', '8080'], /^radstation: serve: Unknown option '--prot'/],
  ])('%j prints one line on stderr and exits 2', async (args, message) => {
    const result = await runCliToExit(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});

describe.skipIf(!built)('radstation serve: a running host', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');
  let child: ChildProcess;
  let port: number;
  let url: URL;
  let token = '';
  let stdout = '';

  beforeAll(async () => {
    port = await freePort();
    child = spawn(process.execPath, cliArgs('serve', '--cache', cacheDir, '--port', String(port), '--host', '127.0.0.1'), {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<URL>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        stdout = output;
        const match = /Open: (\S+)/.exec(output);
        token = /^Token: (\S+)$/m.exec(output)?.[1] ?? '';
        if (match?.[1]) resolve(new URL(match[1]));
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
    });
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    temp.cleanup();
  });

  it('binds the asked address and port, uses the asked cache, and prints a random token and a one-time join link', async () => {
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).toBe(String(port));
    expect(url.pathname).toBe('/join');
    expect(token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(url.href).not.toContain(token);
    expect(stdout).toContain(`serving the cache at ${cacheDir}`);
    expect(fs.existsSync(cacheDir)).toBe(true);
  });

  it('refuses requests without the right token, serves the app with it, and lets the join link in once', async () => {
    expect((await rawGet(port, '/')).status).toBe(401);
    expect((await rawGet(port, '/', { 'x-radstation-token': `x${token.slice(1)}` })).status).toBe(401);
    const page = await rawGet(port, '/', { 'x-radstation-token': token });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root"></div>');
    const joinPath = `${url.pathname}${url.search}`;
    expect((await rawGet(port, joinPath)).status).toBe(303);
    expect((await rawGet(port, joinPath)).status).toBe(401);
  });

  it.each([
    '/files/instances/../../../../etc/passwd',
    '/files/instances/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/files/instances/%2e%2e%2fpackage.json',
    '/..%2f..%2f..%2fpackage.json',
    '/../../package.json',
    '/%2e%2e/%2e%2e/package.json',
  ])('answers the path-traversal attempt %s with a 4xx and no file', async (requestPath) => {
    const response = await rawGet(port, requestPath, { 'x-radstation-token': token });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).not.toContain('root:');
    expect(response.body).not.toContain('"name": "radstation"');
  });

  it('a second host on the same port fails with one line and exit 1, leaving the first running', async () => {
    const second = await runCliToExit(['serve', '--cache', path.join(temp.dir, 'second'), '--port', String(port)]);
    expect(second.code).toBe(1);
    expect(second.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^radstation: listen EADDRINUSE.*:\d+$/)]);
    expect((await rawGet(port, '/')).status).toBe(401);
  });

  it('stops cleanly on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
