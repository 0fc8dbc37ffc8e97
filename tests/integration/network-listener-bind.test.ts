import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main';
import { cliArgs, repoRoot } from '../helpers/cli-process';
import { captureIo, freePort, runTool, startProcess } from '../helpers/pacs-peers';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The DICOM listener binds the address the user chose, loopback by default: whatever reaches it
 * may push into the cache, so it must not be open to the LAN unless asked. Checked with real
 * connections to this machine's own non-loopback address and dcmtk's echoscu.
 */

/** This machine's first non-loopback IPv4 address, or undefined when it has none. */
function lanAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

/** Resolves with 'connected' or the error code of a plain TCP connection attempt. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(5_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const lan = lanAddress();
const echoscuMissing = (await runTool('echoscu', ['--version'])).code !== 0;
const skipReason = lan === undefined ? 'this machine has no non-loopback IPv4 address' : echoscuMissing ? 'dcmtk is not installed (apt-get install dcmtk)' : undefined;
if (skipReason) console.warn(`listener bind tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('the DICOM listener binds the chosen address', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');

  beforeAll(async () => {
    const { io } = captureIo();
    expect(await runCli(['remote', 'add', 'tester', '--dimse', 'ECHOSCU@127.0.0.1:104', '--cache', cacheDir], io)).toBe(0);
  });
  afterAll(() => temp.cleanup());

  const echo = (host: string, port: number) => runTool('echoscu', ['-to', '5', '-aet', 'ECHOSCU', '-aec', 'RADSTATION', host, String(port)]);

  it('by default listens on loopback only: unreachable on the LAN address', async () => {
    const port = await freePort();
    const listener = startProcess(process.execPath, cliArgs('listen', '--port', String(port), '--cache', cacheDir));
    try {
      await listener.waitFor(/Listening as RADSTATION on 127\.0\.0\.1 port/);
      const local = await echo('127.0.0.1', port);
      expect(local.code, local.output).toBe(0);
      expect(await tryConnect(lan!, port)).toBe('ECONNREFUSED');
    } finally {
      await listener.stop();
    }
  });

  it('listens on the LAN address once the settings name it, and no longer on loopback', async () => {
    const { io, err } = captureIo();
    expect(await runCli(['remote', 'set', '--bind', lan!, '--cache', cacheDir], io), err.join('\n')).toBe(0);
    const port = await freePort();
    const listener = startProcess(process.execPath, cliArgs('listen', '--port', String(port), '--cache', cacheDir));
    try {
      await listener.waitFor(new RegExp(`Listening as RADSTATION on ${lan!.replace(/\./g, '\\.')} port`));
      await listener.waitFor(/Warning: listening on/);
      const remote = await echo(lan!, port);
      expect(remote.code, remote.output).toBe(0);
      expect(await tryConnect('127.0.0.1', port)).toBe('ECONNREFUSED');
    } finally {
      await listener.stop();
      expect(await runCli(['remote', 'set', '--bind', '127.0.0.1', '--cache', cacheDir], captureIo().io)).toBe(0);
    }
  });

  it('refuses a listen address that is not an IP address, before starting anything', async () => {
    const { io, err } = captureIo();
    await expect(runCli(['remote', 'set', '--bind', 'example.org', '--cache', cacheDir], io)).resolves.toBe(2);
    expect(err.join('\n')).toMatch(/listenAddress: the listen address is an IPv4 or IPv6 address/);
    const listen = await runTool(process.execPath, cliArgs('listen', '--bind', 'all', '--cache', cacheDir));
    expect(listen.code).toBe(2);
    expect(listen.output).toMatch(/listen: --bind: the listen address is an IPv4 or IPv6 address.*not "all"/);
  });
});

const rendererBuilt = fs.existsSync(path.join(repoRoot, 'out', 'renderer', 'index.html'));
if (!rendererBuilt) console.warn("serve listener tests skipped: the renderer is not built (run 'npm run build')");

describe.skipIf(!rendererBuilt)('radstation serve and the DICOM listener', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');
  afterAll(() => temp.cleanup());

  it('starts no DICOM listener unless asked', async () => {
    const dicomPort = await freePort();
    expect(await runCli(['remote', 'set', '--port', String(dicomPort), '--cache', cacheDir], captureIo().io)).toBe(0);
    const serve = startProcess(process.execPath, cliArgs('serve', '--port', '0', '--cache', cacheDir));
    try {
      await serve.waitFor(/^Open: /m);
      expect(serve.output()).not.toMatch(/DICOM listener/);
      expect(await tryConnect('127.0.0.1', dicomPort)).toBe('ECONNREFUSED');
    } finally {
      await serve.stop();
    }
  });

  it('starts it on loopback with --dicom-port, and per the settings once enabled', async () => {
    const serve = startProcess(process.execPath, cliArgs('serve', '--port', '0', '--dicom-port', '0', '--cache', cacheDir));
    try {
      const [, port] = await serve.waitFor(/DICOM listener: RADSTATION on 127\.0\.0\.1 port (\d+)/);
      expect(await tryConnect('127.0.0.1', Number(port))).toBe('connected');
    } finally {
      await serve.stop();
    }
    const dicomPort = await freePort();
    expect(await runCli(['remote', 'set', '--port', String(dicomPort), '--listener', 'on', '--cache', cacheDir], captureIo().io)).toBe(0);
    const enabled = startProcess(process.execPath, cliArgs('serve', '--port', '0', '--cache', cacheDir));
    try {
      await enabled.waitFor(new RegExp(`DICOM listener: RADSTATION on 127\\.0\\.0\\.1 port ${dicomPort}`));
      expect(await tryConnect('127.0.0.1', dicomPort)).toBe('connected');
    } finally {
      await enabled.stop();
    }
  });

  it.skipIf(lan === undefined)('warns when --dicom-bind opens the listener to the LAN', async () => {
    const serve = startProcess(process.execPath, cliArgs('serve', '--port', '0', '--dicom-port', '0', '--dicom-bind', lan ?? '', '--cache', cacheDir));
    try {
      await serve.waitFor(new RegExp(`DICOM listener: RADSTATION on ${(lan ?? '').replace(/\./g, '\\.')} port \\d+`));
      await serve.waitFor(/Warning: the DICOM listener is on .*an AE title is not a password/);
    } finally {
      await serve.stop();
    }
  });
});
