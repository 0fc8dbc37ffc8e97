import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main';
import { openCacheDatabase } from '../../src-main/studies/cache/database';
import { instanceFilePath } from '../../src-main/studies/cache/study-queries';
import { resolveStoredPath } from '../../src-main/studies/cache/stored-files';
import { cliArgs } from '../helpers/cli-process';
import { captureIo, datasetBytes, pixelDataDigests, dcmdumpValue, dicomFilesIn, freePort, peersMissing, runTool, startProcess } from '../helpers/pacs-peers';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const missing = peersMissing();
if (missing) console.warn(`listen tests skipped: ${missing}`);

/** `radstation listen` as a real process, with dcmtk's storescu pushing real files into it. */
describe.skipIf(missing !== undefined)('radstation listen (storage SCP)', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');
  const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));
  // Each compressed file with storescu's option that proposes its syntax first (J2K lossless, JPEG-LS lossless, RLE).
  const compressed: Array<[string, string]> = [
    [sharedDataPath('dicom', 'conformance', 'cornerstone', 'CT1_J2KR'), '-xv'],
    [sharedDataPath('dicom', 'conformance', 'cornerstone', 'CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm'), '-xt'],
    [sharedDataPath('dicom', 'conformance', 'wg04', 'RLE', 'MR1_RLE'), '-xr'],
  ];
  let port = 0;
  let listener: ReturnType<typeof startProcess>;

  beforeAll(async () => {
    const { io } = captureIo();
    expect(await runCli(['remote', 'add', 'modality', '--dimse', 'STORESCU@127.0.0.1:104', '--cache', cacheDir], io)).toBe(0);
    port = await freePort();
    listener = startProcess(process.execPath, cliArgs('listen', '--aet', 'RS_TEST', '--port', String(port), '--cache', cacheDir));
    await listener.waitFor(/Listening as RS_TEST on 127.0.0.1 port/);
  });
  afterAll(async () => {
    await listener?.stop();
    temp.cleanup();
  });

  it('imports what a configured AE pushes, bytes and transfer syntax as sent, with the sender kept', async () => {
    // One association per file type: uncompressed series, then each compressed file with only its own syntax proposed.
    const pushed = await runTool('storescu', ['-aet', 'STORESCU', '-aec', 'RS_TEST', '127.0.0.1', String(port), ...ctFiles]);
    expect(pushed.code, pushed.output).toBe(0);
    for (const [file, option] of compressed) {
      const sent = await runTool('storescu', ['-aet', 'STORESCU', '-aec', 'RS_TEST', option, '127.0.0.1', String(port), file]);
      expect(sent.code, sent.output).toBe(0);
    }
    const all = [...ctFiles, ...compressed.map(([file]) => file)];
    // The listener imports in batches; wait until each instance is in the cache.
    const deadline = Date.now() + 30_000;
    const cachedPath = (uid: string) => {
      const db = openCacheDatabase(cacheDir, { readonly: true });
      try {
        const stored = instanceFilePath(db, uid);
        return stored === undefined ? undefined : resolveStoredPath(cacheDir, stored);
      } finally {
        db.close();
      }
    };
    const uids = all.map((file) => dcmdumpValue(file, '0008,0018'));
    while (Date.now() < deadline && uids.some((uid) => cachedPath(uid) === undefined)) await new Promise((resolve) => setTimeout(resolve, 200));
    const stored = uids.map((uid) => cachedPath(uid));
    expect(stored.filter((file) => file === undefined)).toEqual([]);
    // Transfer syntax and pixel data bytes as sent, for every file; the sender kept in the meta header.
    expect(pixelDataDigests(stored as string[])).toEqual(pixelDataDigests(all));
    for (const file of stored) expect(dcmdumpValue(file!, '0002,0016')).toBe('STORESCU');
    // storescu sends the uncompressed series verbatim, so there the whole data set matches byte for byte
    // (it re-encodes undefined-length sequences of some compressed files, so those are compared by pixel data).
    for (const [index, file] of ctFiles.entries()) expect(datasetBytes(stored[index]!).equals(datasetBytes(file)), file).toBe(true);
  });

  it('refuses a calling AE title that is not configured, and an unknown called AE', async () => {
    const stranger = await runTool('storescu', ['-aet', 'STRANGER', '-aec', 'RS_TEST', '127.0.0.1', String(port), ctFiles[0]!]);
    expect(stranger.code).not.toBe(0);
    expect(stranger.output).toMatch(/Calling AE Title Not Recognized/i);
    const wrongCalled = await runTool('storescu', ['-aet', 'STORESCU', '-aec', 'SOMEONE', '127.0.0.1', String(port), ctFiles[0]!]);
    expect(wrongCalled.code).not.toBe(0);
    expect(wrongCalled.output).toMatch(/Called AE Title Not Recognized/i);
    const echo = await runTool('echoscu', ['-aet', 'STORESCU', '-aec', 'RS_TEST', '127.0.0.1', String(port)]);
    expect(echo.code, echo.output).toBe(0);
  });

  it('says what it received from whom when stopped', async () => {
    expect(await listener.stop()).toBe(0);
    expect(listener.output()).toMatch(new RegExp(`Stopped; received ${ctFiles.length + 3} from STORESCU`));
  });
});
