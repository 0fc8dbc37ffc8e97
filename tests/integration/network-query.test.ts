import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main';
import type { ParsedCallRequest } from '../../src-shared/contract';
import { dispatch, type CallHandlers } from '../../src-main/dispatch';
import { EventBus } from '../../src-main/events';
import { createNetworkService } from '../../src-main/network/network-service';
import { createImportService } from '../../src-main/studies/import/import-service';
import { captureIo, dcmdumpValue, dicomFilesIn, freePort, peersMissing, silentServer, startOrthanc, type OrthancPeer } from '../helpers/pacs-peers';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const missing = peersMissing();
if (missing) console.warn(`network query tests skipped: ${missing}`);

/** Remote nodes, echo and find, against a real Orthanc (DIMSE and DICOMweb) seeded over its REST API. */
describe.skipIf(missing !== undefined)('remote nodes, echo and find', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');
  const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));
  const mrFile = sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm');
  const ctStudy = dcmdumpValue(ctFiles[0]!, '0020,000d');
  const ctSeries = dcmdumpValue(ctFiles[0]!, '0020,000e');
  const mrStudy = dcmdumpValue(mrFile, '0020,000d');
  let orthanc: OrthancPeer;

  const cli = async (...args: string[]) => {
    const { io, out, err } = captureIo();
    const code = await runCli([...args, '--cache', cacheDir], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeAll(async () => {
    orthanc = await startOrthanc({ modalities: { radstation: ['RADSTATION', '127.0.0.1', 4242] } });
    await orthanc.upload([...ctFiles, mrFile]);
    expect((await cli('remote', 'add', 'pacs', '--dimse', `${orthanc.aet}@127.0.0.1:${orthanc.dicomPort}`)).code).toBe(0);
    expect((await cli('remote', 'add', 'web', '--dicomweb', orthanc.dicomWebUrl)).code).toBe(0);
  });
  afterAll(async () => {
    await orthanc?.stop();
    temp.cleanup();
  });

  it('keeps nodes in the cache folder, validates them, and removes them', async () => {
    const listed = JSON.parse((await cli('remote', 'list', '--json')).out) as { localAet: string; nodes: Array<{ name: string; kind: string; port?: number }> };
    expect(listed.localAet).toBe('RADSTATION');
    expect(listed.nodes.map((node) => [node.name, node.kind])).toEqual([['pacs', 'dimse'], ['web', 'dicomweb']]);
    expect(listed.nodes[0]!.port).toBe(orthanc.dicomPort);

    const tooLong = await cli('remote', 'add', 'x', '--dimse', 'AN_AE_TITLE_TOO_LONG@host:104');
    expect(tooLong.code).toBe(2);
    expect(tooLong.err).toMatch(/AE title/);
    const both = await cli('remote', 'add', 'y', '--dimse', 'A@h:1', '--dicomweb', 'http://h/');
    expect(both.code).toBe(2);
    expect((await cli('remote', 'add', 'pacs', '--dimse', 'A@h:1')).err).toMatch(/already exists/);

    expect((await cli('remote', 'add', 'temporary', '--dimse', 'T@127.0.0.1:9')).code).toBe(0);
    expect((await cli('remote', 'remove', 'temporary')).code).toBe(0);
    const after = JSON.parse((await cli('remote', 'list', '--json')).out) as { nodes: Array<{ name: string }> };
    expect(after.nodes.map((node) => node.name)).toEqual(['pacs', 'web']);
    expect((await cli('remote', 'remove', 'temporary')).err).toMatch(/no remote node named "temporary"/);
  });

  it('verifies DIMSE and DICOMweb nodes, and says what failed', async () => {
    expect(JSON.parse((await cli('echo', 'pacs', '--json')).out)).toMatchObject({ ok: true });
    expect(JSON.parse((await cli('echo', 'web', '--json')).out)).toMatchObject({ ok: true });

    const closedPort = await freePort();
    const hanging = await silentServer();
    try {
      await cli('remote', 'add', 'wrong-ae', '--dimse', `NOT_ORTHANC@127.0.0.1:${orthanc.dicomPort}`);
      await cli('remote', 'add', 'down', '--dimse', `DOWN@127.0.0.1:${closedPort}`);
      await cli('remote', 'add', 'web-down', '--dicomweb', `http://127.0.0.1:${closedPort}/dicom-web`);
      await cli('remote', 'add', 'hangs', '--dimse', `HANGS@127.0.0.1:${hanging.port}`);
      const unknownAe = await cli('echo', 'wrong-ae');
      expect(unknownAe.code).toBe(1);
      expect(unknownAe.err).toMatch(/unknown-ae: .*NOT_ORTHANC is not its AE title/);
      expect(JSON.parse((await cli('echo', 'down', '--json')).out)).toMatchObject({ ok: false, failure: 'refused' });
      expect(JSON.parse((await cli('echo', 'web-down', '--json')).out)).toMatchObject({ ok: false, failure: 'refused' });
      expect(JSON.parse((await cli('echo', 'hangs', '--json', '--timeout', '1')).out)).toMatchObject({ ok: false, failure: 'timeout' });
    } finally {
      await hanging.close();
    }
  });

  it.each(['pacs', 'web'])('finds studies and the series of a study on %s', async (node) => {
    const all = JSON.parse((await cli('find', node, '--json')).out) as { studies: Array<{ studyInstanceUid: string; patientId: string; instanceCount: number | null; modalities: string[] }> };
    expect(all.studies.map((study) => study.studyInstanceUid).sort()).toEqual([ctStudy, mrStudy].sort());
    const ct = all.studies.find((study) => study.studyInstanceUid === ctStudy);
    expect(ct).toMatchObject({ patientId: dcmdumpValue(ctFiles[0]!, '0010,0020'), instanceCount: ctFiles.length, modalities: ['CT'] });

    const byModality = JSON.parse((await cli('find', node, '--modality', 'MR', '--json')).out) as { studies: Array<{ studyInstanceUid: string }> };
    expect(byModality.studies.map((study) => study.studyInstanceUid)).toEqual([mrStudy]);
    const mrPatient = dcmdumpValue(mrFile, '0010,0010');
    const byName = JSON.parse((await cli('find', node, '--patient', `${mrPatient.slice(0, 3)}*`, '--json')).out) as { studies: Array<{ studyInstanceUid: string }> };
    expect(byName.studies.map((study) => study.studyInstanceUid)).toEqual([mrStudy]);

    const series = JSON.parse((await cli('find', node, '--study', ctStudy, '--json')).out) as { series: Array<{ seriesInstanceUid: string; instanceCount: number | null }> };
    expect(series.series).toEqual([expect.objectContaining({ seriesInstanceUid: ctSeries, instanceCount: ctFiles.length })]);
  });

  it('says so when the archive does not know our AE title', async () => {
    const strangerCache = path.join(temp.dir, 'stranger');
    const { io, err } = captureIo();
    expect(await runCli(['remote', 'set', '--aet', 'STRANGER', '--cache', strangerCache], io)).toBe(0);
    expect(await runCli(['remote', 'add', 'pacs', '--dimse', `${orthanc.aet}@127.0.0.1:${orthanc.dicomPort}`, '--cache', strangerCache], io)).toBe(0);
    expect(await runCli(['find', 'pacs', '--cache', strangerCache], io)).toBe(1);
    expect(err.join('\n')).toMatch(/aborted the association .*does not know our AE title STRANGER/);
  });

  it('serves the contract calls: find marks what is cached, retrieve reports through events', async () => {
    const events = new EventBus();
    const imports = createImportService(cacheDir, events);
    const network = createNetworkService({ cacheDir, imports, events });
    const seen: Array<{ name: string; payload: unknown }> = [];
    const unsubscribe = events.subscribe((name, payload) => seen.push({ name, payload }));
    const call = (name: string, request: unknown) => dispatch({ 'network.find': (r: ParsedCallRequest<'network.find'>) => network.find(r), 'network.retrieve': (r: ParsedCallRequest<'network.retrieve'>) => network.retrieve(r) } as unknown as CallHandlers, name, request, { host: 'web', client: 'test', role: 'owner' });
    try {
      const before = (await call('network.find', { name: 'web', query: { modality: 'MR' } })) as { ok: boolean; value: { studies: Array<{ cachedInstanceCount: number }> } };
      expect(before.ok).toBe(true);
      expect(before.value.studies.map((study) => study.cachedInstanceCount)).toEqual([0]);
      const started = (await call('network.retrieve', { name: 'web', studyInstanceUid: mrStudy })) as { ok: boolean; value: { retrieveId: string } };
      expect(started.ok).toBe(true);
      const deadline = Date.now() + 30_000;
      while (!seen.some((event) => event.name === 'network.retrieveFinished') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const finished = seen.find((event) => event.name === 'network.retrieveFinished')?.payload as { retrieveId: string; report: { status: string; retrieved: number } };
      expect(finished).toMatchObject({ retrieveId: started.value.retrieveId, report: { status: 'completed', retrieved: 1 } });
      expect(seen.some((event) => event.name === 'network.retrieveProgress')).toBe(true);
      const after = (await call('network.find', { name: 'web', query: { modality: 'MR' } })) as { value: { studies: Array<{ cachedInstanceCount: number }> } };
      expect(after.value.studies.map((study) => study.cachedInstanceCount)).toEqual([1]);
    } finally {
      unsubscribe();
      await network.close();
      await imports.close();
    }
  });
});
