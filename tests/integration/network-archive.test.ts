import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main';
import { cliArgs } from '../helpers/cli-process';
import { captureIo, dcmdumpValue, dicomFilesIn, freePort, peersMissing, pixelDataDigests, runTool, startProcess, startStorescp } from '../helpers/pacs-peers';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const missing = peersMissing();
if (missing) console.warn(`archive tests skipped: ${missing}`);

/** Radstation answering as an archive from its cache, queried and pulled by dcmtk's findscu, movescu and getscu. */
describe.skipIf(missing !== undefined)('radstation as an archive (C-FIND, C-MOVE, C-GET)', () => {
  const temp = makeTempDir();
  const cacheDir = path.join(temp.dir, 'cache');
  const ctFiles = dicomFilesIn(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'));
  const mrFile = sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small.dcm');
  const ctStudy = dcmdumpValue(ctFiles[0]!, '0020,000d');
  const ctSeries = dcmdumpValue(ctFiles[0]!, '0020,000e');
  const mrStudy = dcmdumpValue(mrFile, '0020,000d');
  const bySop = (files: string[]) => new Map(files.map((file) => [dcmdumpValue(file, '0008,0018'), file]));
  let port = 0;
  let listener: ReturnType<typeof startProcess>;
  let storescp: Awaited<ReturnType<typeof startStorescp>>;
  const received = path.join(temp.dir, 'moved');

  const cli = async (...args: string[]) => {
    const { io, out, err } = captureIo();
    const code = await runCli([...args, '--cache', cacheDir], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const at = () => ['127.0.0.1', String(port)];

  beforeAll(async () => {
    expect((await cli('import', '--link', '--json', ...ctFiles, mrFile)).code).toBe(0);
    storescp = await startStorescp('DEST', received);
    await cli('remote', 'add', 'viewer', '--dimse', 'VIEWER@127.0.0.1:1');
    await cli('remote', 'add', 'dest', '--dimse', `DEST@127.0.0.1:${storescp.port}`);
    port = await freePort();
    listener = startProcess(process.execPath, cliArgs('listen', '--aet', 'RS_ARCHIVE', '--port', String(port), '--cache', cacheDir));
    await listener.waitFor(/Listening as RS_ARCHIVE/);
  });
  afterAll(async () => {
    await listener?.stop();
    await storescp?.stop();
    temp.cleanup();
  });

  it('answers C-FIND at study, series and image level (study root) and patient level (patient root)', async () => {
    const study = await runTool('findscu', ['-v', '-aet', 'VIEWER', '-aec', 'RS_ARCHIVE', '-S', '-k', 'QueryRetrieveLevel=STUDY', '-k', 'StudyInstanceUID', '-k', 'NumberOfStudyRelatedInstances', '-k', 'PatientName', ...at()]);
    expect(study.code, study.output).toBe(0);
    expect(study.output).toContain(ctStudy);
    expect(study.output).toContain(mrStudy);
    expect(study.output).toMatch(new RegExp(`NumberOfStudyRelatedInstances\\s*\\n?[^\\n]*\\[?${ctFiles.length}\\]?|\\(0020,1208\\) IS \\[${ctFiles.length}\\]`));

    const byName = await runTool('findscu', ['-v', '-aet', 'VIEWER', '-aec', 'RS_ARCHIVE', '-S', '-k', 'QueryRetrieveLevel=STUDY', '-k', 'StudyInstanceUID', '-k', `PatientName=${dcmdumpValue(mrFile, '0010,0010').slice(0, 3)}*`, ...at()]);
    expect(byName.output).toContain(mrStudy);
    expect(byName.output).not.toContain(ctStudy);

    const series = await runTool('findscu', ['-v', '-aet', 'VIEWER', '-aec', 'RS_ARCHIVE', '-S', '-k', 'QueryRetrieveLevel=SERIES', '-k', `StudyInstanceUID=${ctStudy}`, '-k', 'SeriesInstanceUID', '-k', 'Modality', ...at()]);
    expect(series.output).toContain(ctSeries);
    expect(series.output.match(/\(0008,0060\) CS \[CT\]/g)).toHaveLength(1);

    const images = await runTool('findscu', ['-v', '-aet', 'VIEWER', '-aec', 'RS_ARCHIVE', '-S', '-k', 'QueryRetrieveLevel=IMAGE', '-k', `StudyInstanceUID=${ctStudy}`, '-k', `SeriesInstanceUID=${ctSeries}`, '-k', 'SOPInstanceUID', ...at()]);
    for (const uid of bySop(ctFiles).keys()) expect(images.output).toContain(uid);

    const patients = await runTool('findscu', ['-v', '-aet', 'VIEWER', '-aec', 'RS_ARCHIVE', '-P', '-k', 'QueryRetrieveLevel=PATIENT', '-k', 'PatientID', ...at()]);
    expect(patients.code, patients.output).toBe(0);
    expect(patients.output).toContain(dcmdumpValue(ctFiles[0]!, '0010,0020'));
    expect(patients.output).toContain(dcmdumpValue(mrFile, '0010,0020'));
  });

  it('refuses queries from AE titles that are not configured', async () => {
    const stranger = await runTool('findscu', ['-aet', 'STRANGER', '-aec', 'RS_ARCHIVE', '-S', '-k', 'QueryRetrieveLevel=STUDY', ...at()]);
    expect(stranger.code).not.toBe(0);
    expect(stranger.output).toMatch(/Calling AE Title Not Recognized/i);
  });

  it('C-MOVEs a series to a configured node, and refuses an unknown destination', async () => {
    const moved = await runTool('movescu', ['-aet', 'VIEWER', '-aec', 'RS_ARCHIVE', '-aem', 'DEST', '-S', '-k', 'QueryRetrieveLevel=SERIES', '-k', `StudyInstanceUID=${ctStudy}`, '-k', `SeriesInstanceUID=${ctSeries}`, ...at()]);
    expect(moved.code, moved.output).toBe(0);
    const arrived = bySop(dicomFilesIn(received));
    const originals = bySop(ctFiles);
    expect([...arrived.keys()].sort()).toEqual([...originals.keys()].sort());
    const uids = [...originals.keys()];
    expect(pixelDataDigests(uids.map((uid) => arrived.get(uid)!))).toEqual(pixelDataDigests(uids.map((uid) => originals.get(uid)!)));

    const unknown = await runTool('movescu', ['-aet', 'VIEWER', '-aec', 'RS_ARCHIVE', '-aem', 'NOWHERE', '-S', '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${mrStudy}`, ...at()]);
    expect(unknown.output).toMatch(/MoveDestinationUnknown/);
  });

  it('answers C-GET on the caller’s association', async () => {
    const out = path.join(temp.dir, 'got');
    fs.mkdirSync(out);
    const got = await runTool('getscu', ['-aet', 'VIEWER', '-aec', 'RS_ARCHIVE', '-od', out, '-S', '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${ctStudy}`, ...at()]);
    expect(got.code, got.output).toBe(0);
    const arrived = bySop(dicomFilesIn(out));
    const originals = bySop(ctFiles);
    const uids = [...originals.keys()];
    expect([...arrived.keys()].sort()).toEqual([...uids].sort());
    expect(pixelDataDigests(uids.map((uid) => arrived.get(uid)!))).toEqual(pixelDataDigests(uids.map((uid) => originals.get(uid)!)));
  });
});
