import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EchoResult, SendReport } from '../../src-shared/domain/network';
import { runCli } from '../../src-main/cli/main';
import { captureIo, dcmdumpValue, dicomFilesIn, freePort, startProcess } from '../helpers/pacs-peers';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * DICOM TLS as a client: dcmtk's storescp serves TLS with a certificate from a test CA made here
 * with openssl. Radstation verifies the peer's certificate: against the node's CA file when it has
 * one, else against the system's CAs, which do not know the test CA, so that echo must fail as 'tls'.
 */
function skipReason(): string | undefined {
  if (spawnSync('openssl', ['version'], { encoding: 'utf8' }).status !== 0) return 'openssl is not installed';
  const help = spawnSync('storescp', ['--help'], { encoding: 'utf8' });
  if (help.status !== 0) return 'dcmtk is not installed (apt-get install dcmtk)';
  if (!/--enable-tls/.test(help.stdout)) return 'this dcmtk was built without OpenSSL';
  return undefined;
}
const reason = skipReason();
if (reason) console.warn(`TLS tests skipped: ${reason}`);

function openssl(cwd: string, ...args: string[]): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
}

async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on port ${port}`);
}

describe.skipIf(reason !== undefined)('DIMSE over TLS', () => {
  const temp = makeTempDir();
  const certs = path.join(temp.dir, 'certs');
  const received = path.join(temp.dir, 'received');
  const cacheDir = path.join(temp.dir, 'cache');
  const ctFile = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'))[0]!;
  let port = 0;
  let storescp: ReturnType<typeof startProcess>;

  const cli = async (...args: string[]) => {
    const { io, out, err } = captureIo();
    const code = await runCli([...args, '--cache', cacheDir], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeAll(async () => {
    fs.mkdirSync(certs, { recursive: true });
    fs.mkdirSync(received, { recursive: true });
    openssl(certs, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Radstation Test CA');
    openssl(certs, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    fs.writeFileSync(path.join(certs, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
    openssl(certs, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf');
    port = await freePort();
    // -ic: Radstation presents no client certificate; the server's own certificate is what is checked here.
    storescp = startProcess('storescp', ['--aetitle', 'TLS_SCP', '+tls', path.join(certs, 'server.key'), path.join(certs, 'server.crt'), '-ic', '-od', received, String(port)]);
    await waitForPort(port);
    expect((await cli('remote', 'add', 'secure', '--dimse', `TLS_SCP@127.0.0.1:${port}`, '--tls', '--tls-ca', path.join(certs, 'ca.crt'))).code).toBe(0);
    expect((await cli('remote', 'add', 'unknown-ca', '--dimse', `TLS_SCP@127.0.0.1:${port}`, '--tls')).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await storescp?.stop();
    temp.cleanup();
  });

  it('echoes a TLS peer whose certificate the node’s CA file signs', async () => {
    const result = await cli('echo', 'secure', '--json');
    const echo = JSON.parse(result.out) as EchoResult;
    expect(echo, result.err).toMatchObject({ ok: true });
  });

  it('refuses a peer whose certificate no trusted CA signs, saying it is TLS', async () => {
    const result = await cli('echo', 'unknown-ca', '--json');
    const echo = JSON.parse(result.out) as EchoResult;
    expect(echo).toMatchObject({ ok: false, failure: 'tls' });
    expect(echo.message).toMatch(/certificate/i);
  });

  it('sends a study over TLS, and the peer writes it', async () => {
    expect((await cli('import', ctFile, '--json')).code).toBe(0);
    const result = await cli('send', 'secure', '--study', dcmdumpValue(ctFile, '0020,000d'), '--json');
    const report = JSON.parse(result.out) as SendReport;
    expect(report, result.err).toMatchObject({ status: 'completed', instances: [{ ok: true }] });
    const sopInstanceUid = dcmdumpValue(ctFile, '0008,0018');
    const written = fs.readdirSync(received).map((name) => path.join(received, name));
    expect(written.map((file) => dcmdumpValue(file, '0008,0018'))).toEqual([sopInstanceUid]);
  });

  it('takes --tls-ca only with --tls', async () => {
    const result = await cli('remote', 'add', 'half', '--dimse', `TLS_SCP@127.0.0.1:${port}`, '--tls-ca', path.join(certs, 'ca.crt'));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--tls-ca goes with --tls/);
  });
});
