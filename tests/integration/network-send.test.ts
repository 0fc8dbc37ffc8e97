import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendReport } from '../../src-shared/domain/network';
import { runCli } from '../../src-main/cli/main';
import { captureIo, datasetBytes, dcmdumpValue, dicomFilesIn, freePort, peersMissing, pixelDataDigests, startOrthanc, startStorescp, type OrthancPeer } from '../helpers/pacs-peers';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const missing = peersMissing();
if (missing) console.warn(`send tests skipped: ${missing}`);

/** `radstation send` of cached series to dcmtk's storescp (C-STORE) and to Orthanc (STOW-RS). */
describe.skipIf(missing !== undefined)('radstation send', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');
  const received = path.join(temp.dir, 'received');
  const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));
  const j2kFile = sharedDataPath('dicom', 'conformance', 'cornerstone', 'CT1_J2KR');
  const ctStudy = dcmdumpValue(ctFiles[0]!, '0020,000d');
  const j2kSeries = dcmdumpValue(j2kFile, '0020,000e');
  let storescp: Awaited<ReturnType<typeof startStorescp>>;
  let orthanc: OrthancPeer;

  const cli = async (...args: string[]) => {
    const { io, out, err } = captureIo();
    const code = await runCli([...args, '--cache', cacheDir], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const sendJson = async (...args: string[]) => {
    const result = await cli('send', ...args, '--json');
    return { code: result.code, report: JSON.parse(result.out || '{}') as SendReport, err: result.err };
  };

  beforeAll(async () => {
    expect((await cli('import', '--link', '--json', ...ctFiles, j2kFile)).code).toBe(0);
    storescp = await startStorescp('DEST', received);
    orthanc = await startOrthanc();
    await cli('remote', 'add', 'dest', '--dimse', `DEST@127.0.0.1:${storescp.port}`);
    await cli('remote', 'add', 'web', '--dicomweb', orthanc.dicomWebUrl);
  });
  afterAll(async () => {
    await storescp?.stop();
    await orthanc?.stop();
    temp.cleanup();
  });

  it('stores a study by C-STORE, each instance reported, pixel data as cached', async () => {
    const sent = await sendJson('dest', '--study', ctStudy);
    expect(sent.code, sent.err).toBe(0);
    expect(sent.report.status).toBe('completed');
    expect(sent.report.instances).toHaveLength(ctFiles.length);
    expect(sent.report.instances.every((instance) => instance.ok && instance.status === 'success')).toBe(true);
    const arrived = dicomFilesIn(received);
    const bySop = new Map(arrived.map((file) => [dcmdumpValue(file, '0008,0018'), file]));
    const ordered = ctFiles.map((file) => bySop.get(dcmdumpValue(file, '0008,0018')));
    expect(ordered.every((file) => file !== undefined)).toBe(true);
    expect(pixelDataDigests(ordered as string[])).toEqual(pixelDataDigests(ctFiles));
    for (const [index, file] of ctFiles.entries()) expect(datasetBytes(ordered[index]!).equals(datasetBytes(file)), file).toBe(true);
  });

  it('sends a compressed series in its own transfer syntax', async () => {
    const before = new Set(dicomFilesIn(received));
    const sent = await sendJson('dest', '--series', j2kSeries);
    expect(sent.report.status).toBe('completed');
    const arrived = dicomFilesIn(received).filter((file) => !before.has(file));
    expect(arrived).toHaveLength(1);
    expect(pixelDataDigests(arrived)).toEqual(pixelDataDigests([j2kFile]));
    expect(pixelDataDigests(arrived)[0]!.transferSyntax).toBe('1.2.840.10008.1.2.4.90');
    // Sent as stored: storescp (+B) wrote exactly the data set bytes of the cached file.
    expect(datasetBytes(arrived[0]!).equals(datasetBytes(j2kFile))).toBe(true);
  });

  it('stores a study by STOW-RS', async () => {
    const sent = await sendJson('web', '--study', ctStudy);
    expect(sent.code, sent.err).toBe(0);
    expect(sent.report.instances.filter((instance) => instance.ok)).toHaveLength(ctFiles.length);
    const stored = await orthanc.get<string[]>('/instances');
    expect(stored).toHaveLength(ctFiles.length);
    const uid = dcmdumpValue(ctFiles[3]!, '0008,0018');
    const file = path.join(temp.dir, 'from-orthanc.dcm');
    fs.writeFileSync(file, await orthanc.instanceFile(uid));
    expect(pixelDataDigests([file])).toEqual(pixelDataDigests([ctFiles[3]!]));
  });

  it('reports every instance as not stored when the peer is down', async () => {
    await cli('remote', 'add', 'down', '--dimse', `DOWN@127.0.0.1:${await freePort()}`);
    const sent = await sendJson('down', '--series', j2kSeries);
    expect(sent.code).toBe(1);
    expect(sent.report.status).toBe('failed');
    expect(sent.report.instances).toEqual([expect.objectContaining({ ok: false, status: expect.stringMatching(/refused the connection/) })]);
    const unknown = await cli('send', 'nobody', '--study', ctStudy);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no remote node named "nobody"/);
  });
});
