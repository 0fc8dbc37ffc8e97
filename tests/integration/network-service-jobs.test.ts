import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src-shared/contract';
import { dispatch } from '../../src-main/dispatch';
import { createServices, type Services } from '../../src-main/services';
import { dcmdumpValue, dicomFilesIn, freePort, peersMissing, startOrthanc, type OrthancPeer } from '../helpers/pacs-peers';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const missing = peersMissing();
if (missing) console.warn(`network service job tests skipped: ${missing}`);

function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/**
 * Retrieve and send through the contract, as the Network view drives them: the reports come as
 * events. With no listener running, a C-MOVE retrieve opens one on loopback for its own length
 * only. Real services, a real Orthanc.
 */
describe.skipIf(missing !== undefined)('network.retrieve and network.send through the contract', () => {
  const temp = makeTempDir();
  const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));
  const ctStudy = dcmdumpValue(ctFiles[0]!, '0020,000d');
  const rleFile = sharedDataPath('dicom', 'conformance', 'wg04', 'RLE', 'MR1_RLE');
  const rleStudy = dcmdumpValue(rleFile, '0020,000d');
  const owner = { host: 'web', client: 'test', role: 'owner' } as const;
  let orthanc: OrthancPeer;
  let services: Services;
  let scpPort = 0;

  /** Resolves with the first event of this name whose payload matches. */
  const nextEvent = <Name extends 'network.retrieveFinished' | 'network.sendFinished'>(name: Name, matches: (payload: EventPayload<Name>) => boolean) =>
    new Promise<EventPayload<Name>>((resolve) => {
      const off = services.events.subscribe((eventName, payload) => {
        if (eventName === name && matches(payload as EventPayload<Name>)) {
          off();
          resolve(payload as EventPayload<Name>);
        }
      });
    });

  beforeAll(async () => {
    scpPort = await freePort();
    orthanc = await startOrthanc({ aet: 'ORTHANC_SVC', modalities: { radstation: ['RS_SVC', '127.0.0.1', scpPort] } });
    await orthanc.upload(ctFiles);
    services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache') });
    const configured = await dispatch(
      services.handlers,
      'network.configureListener',
      { localAet: 'RS_SVC', localPort: scpPort, listenAddress: '127.0.0.1', listenerEnabled: false, acceptAnyCaller: false },
      owner,
    );
    expect(configured).toMatchObject({ ok: true, value: { listener: { running: false } } });
    expect(await dispatch(services.handlers, 'network.addNode', { kind: 'dimse', name: 'pacs', aet: 'ORTHANC_SVC', host: '127.0.0.1', port: orthanc.dicomPort }, owner)).toMatchObject({ ok: true });
  }, 120_000);
  afterAll(async () => {
    await services?.close();
    await orthanc?.stop();
    temp.cleanup();
  });

  it('retrieves by C-MOVE with no listener running, through a temporary one closed afterwards', async () => {
    const started = await dispatch(services.handlers, 'network.retrieve', { name: 'pacs', studyInstanceUid: ctStudy, method: 'move' }, owner);
    if (!started.ok) throw new Error(started.error.message);
    const { retrieveId } = started.value as { retrieveId: string };
    const finished = await nextEvent('network.retrieveFinished', (payload) => payload.retrieveId === retrieveId);
    expect(finished.report).toMatchObject({ status: 'completed', expected: ctFiles.length, retrieved: ctFiles.length, missing: [] });
    expect(await dispatch(services.handlers, 'network.listener', {}, owner)).toMatchObject({ ok: true, value: { running: false } });
    // The retrieve's listener is gone once its job has ended.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await tryConnect(scpPort)) === 'connected') await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await tryConnect(scpPort)).toBe('ECONNREFUSED');
  });

  it('sends a cached study with network.send, and Orthanc holds it', async () => {
    let importId = '';
    const imported = new Promise<void>((resolve) => {
      const off = services.events.subscribe((name, payload) => {
        if (name === 'imports.finished' && (payload as { importId: string }).importId === importId) {
          off();
          resolve();
        }
      });
    });
    importId = services.imports.start({ paths: [rleFile], mode: 'copy' }).importId;
    await imported;
    const started = await dispatch(services.handlers, 'network.send', { name: 'pacs', studyInstanceUid: rleStudy }, owner);
    if (!started.ok) throw new Error(started.error.message);
    const { sendId } = started.value as { sendId: string };
    const finished = await nextEvent('network.sendFinished', (payload) => payload.sendId === sendId);
    expect(finished.report).toMatchObject({ node: 'pacs', status: 'completed', instances: [{ ok: true }] });
    const found = await fetch(`${orthanc.httpUrl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: rleStudy } }) });
    expect(((await found.json()) as string[]).length).toBe(1);
  });

  it('refuses network.send to a student, and a request naming neither study nor series', async () => {
    expect(await dispatch(services.handlers, 'network.send', { name: 'pacs', studyInstanceUid: rleStudy }, { ...owner, role: 'student' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatch(services.handlers, 'network.send', { name: 'pacs' }, owner)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });
});
