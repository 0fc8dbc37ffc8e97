import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { makeTempDir } from './temp-dir';

/**
 * Real PACS peers for the network tests: Orthanc (with its DICOMweb plugin) and dcmtk's tools,
 * started on free loopback ports with temporary configurations and stopped afterwards.
 */

export const dicomWebPlugin = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

/** Why the peers cannot run here, or undefined when they can (tests print it when they skip). */
export function peersMissing(): string | undefined {
  if (spawnSync('Orthanc', ['--version'], { encoding: 'utf8' }).status !== 0) return 'Orthanc is not installed (apt-get install orthanc)';
  if (!fs.existsSync(dicomWebPlugin)) return 'the Orthanc DICOMweb plugin is not installed (apt-get install orthanc-dicomweb)';
  if (spawnSync('storescu', ['--version'], { encoding: 'utf8' }).status !== 0) return 'dcmtk is not installed (apt-get install dcmtk)';
  return undefined;
}

/** A port nobody listens on right now (the OS picks it; closed again before use). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface OrthancPeer {
  readonly aet: string;
  readonly dicomPort: number;
  readonly httpUrl: string;
  readonly dicomWebUrl: string;
  /** POSTs each file to /instances; returns the Orthanc answers. */
  upload(files: readonly string[]): Promise<Array<{ ID: string; Status: string }>>;
  /** GET on the REST API, as JSON. */
  get<T>(route: string): Promise<T>;
  /** The raw bytes Orthanc stores for an instance (its /file route), found by SOP Instance UID. */
  instanceFile(sopInstanceUid: string): Promise<Buffer>;
  stop(): Promise<void>;
}

export interface OrthancOptions {
  /** Remote AEs Orthanc knows (and answers C-FIND/C-GET/C-MOVE from): name → [AET, host, port]. */
  modalities?: Record<string, [string, string, number]>;
  aet?: string;
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited with ${child.exitCode}: ${log()}`);
    try {
      const response = await fetch(`${url}/system`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Orthanc did not answer within 30 s: ${log()}`);
}

export async function startOrthanc(options: OrthancOptions = {}): Promise<OrthancPeer> {
  const temp = makeTempDir('radstation-orthanc-');
  const httpPort = await freePort();
  const dicomPort = await freePort();
  const aet = options.aet ?? 'ORTHANC';
  const config = {
    Name: 'radstation-test',
    StorageDirectory: path.join(temp.dir, 'storage'),
    IndexDirectory: path.join(temp.dir, 'index'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: aet,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomCheckCalledAet: true,
    DicomModalities: options.modalities ?? {},
    Plugins: [dicomWebPlugin],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
    // Stored as received: no compression, no transcoding, so byte comparisons are meaningful.
    StorageCompression: false,
    ConcurrentJobs: 2,
  };
  const configPath = path.join(temp.dir, 'orthanc.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  let output = '';
  const child = spawn('Orthanc', [configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitUntilReady(httpUrl, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    temp.cleanup();
    throw error;
  }
  const get = async <T>(route: string): Promise<T> => {
    const response = await fetch(`${httpUrl}${route}`);
    if (!response.ok) throw new Error(`Orthanc GET ${route}: ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    aet,
    dicomPort,
    httpUrl,
    dicomWebUrl: `${httpUrl}/dicom-web`,
    get,
    async upload(files) {
      const answers = [];
      for (const file of files) {
        const response = await fetch(`${httpUrl}/instances`, { method: 'POST', body: fs.readFileSync(file) });
        if (!response.ok) throw new Error(`Orthanc refused ${file}: ${response.status}`);
        answers.push((await response.json()) as { ID: string; Status: string });
      }
      return answers;
    },
    async instanceFile(sopInstanceUid) {
      const found = await fetch(`${httpUrl}/tools/find`, {
        method: 'POST',
        body: JSON.stringify({ Level: 'Instance', Query: { SOPInstanceUID: sopInstanceUid } }),
      });
      const ids = (await found.json()) as string[];
      if (ids.length !== 1) throw new Error(`Orthanc holds ${ids.length} instances with SOP Instance UID ${sopInstanceUid}`);
      const response = await fetch(`${httpUrl}/instances/${ids[0]}/file`);
      return Buffer.from(await response.arrayBuffer());
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      temp.cleanup();
    },
  };
}

/** The DICOM files of a folder, sorted, read in place. */
export function dicomFilesIn(folder: string): string[] {
  return fs
    .readdirSync(folder)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => path.join(folder, name));
}

/** One element's value as dcmtk's dcmdump prints it: an independent reading of a file for expected values. */
export function dcmdumpValue(file: string, tag: string): string {
  const result = spawnSync('dcmdump', ['-q', '+P', tag, file], { encoding: 'utf8' });
  const match = /\[(.*)\]/.exec(result.stdout) ?? /=(\S+)/.exec(result.stdout);
  return (match?.[1] ?? '').trim();
}

/** A CLI run with its output captured, as the tests call the real commands in process. */
export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) }, out, err };
}

/** A TCP server that accepts connections and never answers: the peer that hangs. */
export async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The data set bytes of a Part 10 file, after its file meta information (read with the group length, PS3.10 §7.1). */
export function datasetBytes(file: string): Buffer {
  const bytes = fs.readFileSync(file);
  if (bytes.toString('latin1', 128, 132) !== 'DICM') throw new Error(`${file} has no Part 10 preamble`);
  if (bytes.readUInt16LE(132) !== 2 || bytes.readUInt16LE(134) !== 0) throw new Error(`${file} has no meta group length`);
  return bytes.subarray(144 + bytes.readUInt32LE(140));
}

/** Runs a dcmtk tool to its end; resolves with its exit code and output. */
export function runTool(tool: string, args: readonly string[], timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A long-running process (the CLI's listen, dcmtk's storescp) with its output, stopped by SIGTERM. */
export function startProcess(command: string, args: readonly string[], options: { cwd?: string } = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
  let output = '';
  const waiters: Array<{ pattern: RegExp; resolve: (match: RegExpMatchArray) => void }> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = output.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    child,
    output: () => output,
    waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
      const match = output.match(pattern);
      if (match) return Promise.resolve(match);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output: ${output.slice(-2000)}`)), timeoutMs);
        waiters.push({ pattern, resolve: (found) => (clearTimeout(timer), resolve(found)) });
      });
    },
    async stop(): Promise<number | null> {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * SHA-256 of each file's Pixel Data value as stored (native or encapsulated, not decoded) and its
 * transfer syntax, read by pydicom: the independent byte-for-byte check of what travelled.
 */
export function pixelDataDigests(files: readonly string[]): Array<{ sha256: string | null; transferSyntax: string }> {
  const script = [
    'import sys, json, hashlib, pydicom',
    'out = []',
    'for path in sys.argv[1:]:',
    '    ds = pydicom.dcmread(path)',
    "    data = ds.get('PixelData')",
    "    out.append({'sha256': hashlib.sha256(data).hexdigest() if data is not None else None, 'transferSyntax': str(ds.file_meta.TransferSyntaxUID)})",
    'print(json.dumps(out))',
  ].join('\n');
  const result = spawnSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`pydicom failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Array<{ sha256: string | null; transferSyntax: string }>;
}

/**
 * A TCP relay to a real peer that can cut the connection once it has relayed a number of bytes
 * from the peer: an association that breaks part-way, as when a PACS goes down mid-transfer.
 */
export async function cuttingRelay(targetPort: number): Promise<{ port: number; cutAfter(bytes: number | undefined): void; close: () => Promise<void> }> {
  let limit: number | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let relayed = 0;
    const cutLimit = limit;
    upstream.on('data', (chunk: Buffer) => {
      relayed += chunk.length;
      if (cutLimit !== undefined && relayed > cutLimit) {
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cutAfter: (bytes) => (limit = bytes),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** dcmtk's storescp on a free port, writing what it receives, as received (+B), into a folder. */
export async function startStorescp(aet: string, outputDir: string): Promise<{ port: number; stop: () => Promise<number | null> }> {
  const port = await freePort();
  fs.mkdirSync(outputDir, { recursive: true });
  const process_ = startProcess('storescp', ['-aet', aet, '+xa', '+B', '-od', outputDir, String(port)]);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const echo = await runTool('echoscu', ['-aec', aet, '127.0.0.1', String(port)], 5_000);
    if (echo.code === 0) break;
    if (Date.now() > deadline) {
      await process_.stop();
      throw new Error(`storescp did not start: ${process_.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, stop: () => process_.stop() };
}
