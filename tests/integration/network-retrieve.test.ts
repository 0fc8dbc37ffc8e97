import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetrieveReport } from '../../src-shared/domain/network';
import { runCli } from '../../src-main/cli/main';
import { EventBus } from '../../src-main/events';
import { findNode, loadNetworkSettings } from '../../src-main/network/network-settings';
import { retrieve } from '../../src-main/network/retrieve';
import { openCacheDatabase } from '../../src-main/studies/cache/database';
import { resolveStoredPath } from '../../src-main/studies/cache/stored-files';
import { instanceFilePath } from '../../src-main/studies/cache/study-queries';
import { createImportService } from '../../src-main/studies/import/import-service';
import { captureIo, cuttingRelay, dcmdumpValue, dicomFilesIn, freePort, peersMissing, pixelDataDigests, startOrthanc, type OrthancPeer } from '../helpers/pacs-peers';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const missing = peersMissing();
if (missing) console.warn(`retrieve tests skipped: ${missing}`);

/** Retrieve by C-MOVE, C-GET and WADO-RS from a real Orthanc, seeded over its REST API. */
describe.skipIf(missing !== undefined)('radstation retrieve', () => {
  const temp = makeTempDir();
  const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));
  const j2kFile = sharedDataPath('dicom', 'conformance', 'cornerstone', 'CT1_J2KR');
  const ctStudy = dcmdumpValue(ctFiles[0]!, '0020,000d');
  const j2kStudy = dcmdumpValue(j2kFile, '0020,000d');
  let orthanc: OrthancPeer;
  let scpPort = 0;
  let relay: Awaited<ReturnType<typeof cuttingRelay>>;
  let cacheCount = 0;

  const cli = async (cacheDir: string, ...args: string[]) => {
    const { io, out, err } = captureIo();
    const code = await runCli([...args, '--cache', cacheDir], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  /** A fresh cache that knows Orthanc as "pacs" (DIMSE), "web" (DICOMweb) and "flaky" (DIMSE through the relay). */
  const freshCache = async () => {
    const cacheDir = path.join(temp.dir, `cache-${(cacheCount += 1)}`);
    expect((await cli(cacheDir, 'remote', 'set', '--port', String(scpPort))).code).toBe(0);
    expect((await cli(cacheDir, 'remote', 'add', 'pacs', '--dimse', `${orthanc.aet}@127.0.0.1:${orthanc.dicomPort}`)).code).toBe(0);
    expect((await cli(cacheDir, 'remote', 'add', 'web', '--dicomweb', orthanc.dicomWebUrl)).code).toBe(0);
    expect((await cli(cacheDir, 'remote', 'add', 'flaky', '--dimse', `${orthanc.aet}@127.0.0.1:${relay.port}`)).code).toBe(0);
    return cacheDir;
  };
  const retrieveJson = async (cacheDir: string, ...args: string[]) => {
    const result = await cli(cacheDir, 'retrieve', ...args, '--json');
    return { code: result.code, report: JSON.parse(result.out || '{}') as RetrieveReport, err: result.err };
  };
  const cachedFiles = (cacheDir: string, uids: readonly string[]) => {
    const db = openCacheDatabase(cacheDir, { readonly: true });
    try {
      return uids.map((uid) => {
        const stored = instanceFilePath(db, uid);
        if (stored === undefined) throw new Error(`${uid} is not cached`);
        return resolveStoredPath(cacheDir, stored);
      });
    } finally {
      db.close();
    }
  };
  /** What Orthanc holds for these instances, as files, for the byte-for-byte comparison. */
  const orthancFiles = async (uids: readonly string[]) => {
    const folder = fs.mkdtempSync(path.join(temp.dir, 'orthanc-'));
    const files: string[] = [];
    for (const [index, uid] of uids.entries()) {
      const file = path.join(folder, `${index}.dcm`);
      fs.writeFileSync(file, await orthanc.instanceFile(uid));
      files.push(file);
    }
    return files;
  };
  const ctUids = ctFiles.map((file) => dcmdumpValue(file, '0008,0018'));

  beforeAll(async () => {
    scpPort = await freePort();
    orthanc = await startOrthanc({ modalities: { radstation: ['RADSTATION', '127.0.0.1', scpPort] } });
    await orthanc.upload([...ctFiles, j2kFile]);
    relay = await cuttingRelay(orthanc.dicomPort);
  });
  afterAll(async () => {
    await relay?.close();
    await orthanc?.stop();
    temp.cleanup();
  });

  it.each(['move', 'get', 'wado'] as const)('retrieves a whole study by %s, pixel data and transfer syntax as Orthanc holds them', async (via) => {
    const cacheDir = await freshCache();
    const node = via === 'wado' ? 'web' : 'pacs';
    const first = await retrieveJson(cacheDir, node, '--study', ctStudy, '--via', via);
    expect(first.code, first.err).toBe(0);
    expect(first.report).toMatchObject({ status: 'completed', expected: ctFiles.length, retrieved: ctFiles.length, alreadyCached: 0, missing: [] });
    expect(pixelDataDigests(cachedFiles(cacheDir, ctUids))).toEqual(pixelDataDigests(await orthancFiles(ctUids)));
    expect(first.err.split('\n').at(-1)).toBe(`${ctFiles.length}/${ctFiles.length}`);

    const j2k = await retrieveJson(cacheDir, node, '--study', j2kStudy, '--via', via);
    expect(j2k.report).toMatchObject({ status: 'completed', retrieved: 1 });
    const j2kUid = dcmdumpValue(j2kFile, '0008,0018');
    const [cachedJ2k] = pixelDataDigests(cachedFiles(cacheDir, [j2kUid]));
    expect(cachedJ2k).toEqual(pixelDataDigests(await orthancFiles([j2kUid]))[0]);
    expect(cachedJ2k!.transferSyntax).toBe('1.2.840.10008.1.2.4.90');

    const again = await retrieveJson(cacheDir, node, '--study', ctStudy, '--via', via);
    expect(again.report).toMatchObject({ status: 'completed', retrieved: 0, alreadyCached: ctFiles.length });
  });

  it('keeps what arrived when the association breaks part-way, and a retry fetches only the rest', async () => {
    const cacheDir = await freshCache();
    // About a third of the series' bytes get through, then the connection is cut.
    relay.cutAfter(ctFiles.slice(0, 9).reduce((sum, file) => sum + fs.statSync(file).size, 0));
    const broken = await retrieveJson(cacheDir, 'flaky', '--study', ctStudy, '--via', 'get');
    expect(broken.code).toBe(1);
    expect(broken.report.status).toBe('partial');
    expect(broken.report.retrieved).toBeGreaterThan(0);
    expect(broken.report.retrieved + broken.report.missing.length).toBe(ctFiles.length);
    expect(broken.report.message).toMatch(/ended before it was released|connection/);
    expect(cachedFiles(cacheDir, ctUids.filter((uid) => !broken.report.missing.includes(uid)))).toHaveLength(broken.report.retrieved);

    relay.cutAfter(undefined);
    const retry = await retrieveJson(cacheDir, 'flaky', '--study', ctStudy, '--via', 'get');
    expect(retry.report).toMatchObject({ status: 'completed', alreadyCached: broken.report.retrieved, retrieved: broken.report.missing.length, missing: [] });
    expect(pixelDataDigests(cachedFiles(cacheDir, ctUids))).toEqual(pixelDataDigests(await orthancFiles(ctUids)));
  });

  it.each(['wado', 'get'] as const)('cancels a retrieve by %s, keeping the instances that arrived complete', async (via) => {
    const cacheDir = await freshCache();
    const settings = loadNetworkSettings(cacheDir);
    const imports = createImportService(cacheDir, new EventBus());
    const controller = new AbortController();
    const seen: Array<[number, number]> = [];
    try {
      const report = await retrieve(
        {
          cacheDir,
          settings,
          imports,
          signal: controller.signal,
          onProgress: (done, total) => {
            seen.push([done, total]);
            if (done >= 5) controller.abort();
          },
        },
        { node: findNode(settings, via === 'wado' ? 'web' : 'pacs'), studyInstanceUid: ctStudy, method: via },
      );
      expect(report.status).toBe('cancelled');
      expect(report.retrieved).toBeGreaterThanOrEqual(5);
      expect(report.retrieved).toBeLessThan(ctFiles.length);
      expect(report.missing).toHaveLength(ctFiles.length - report.retrieved);
      expect(seen[0]).toEqual([0, ctFiles.length]);
      // Nothing half-written: the staging folder holds no partial file, and every cached instance reads whole.
      const staging = path.join(cacheDir, 'incoming');
      expect(fs.existsSync(staging) ? fs.readdirSync(staging) : []).toEqual([]);
      const arrived = ctUids.filter((uid) => !report.missing.includes(uid));
      expect(pixelDataDigests(cachedFiles(cacheDir, arrived))).toEqual(pixelDataDigests(await orthancFiles(arrived)));
    } finally {
      await imports.close();
    }
  });
});
