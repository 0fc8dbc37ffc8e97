/**
 * npm run bench:pacs
 *
 * Seeds a fresh Orthanc (over its REST API) with the 176-slice MR series and the CT series of
 * ../shared/data, then retrieves both studies into a fresh cache each by C-MOVE, C-GET and
 * WADO-RS with Radstation, and with dcmtk's movescu and getscu into storescp / files, in the same
 * run. Radstation's figures include importing into the cache (checksums, SQLite rows), which is
 * what a user waits for; dcmtk's only write files. Prints instances/s for each and ends with
 *   {"instances", "move_per_s", "get_per_s", "wado_per_s", "dcmtk_move_per_s", "dcmtk_get_per_s", "ratio"}
 * where ratio is Radstation's best DIMSE rate over dcmtk's best.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RetrieveMethod } from '../src-shared/domain/network';
import { EventBus } from '../src-main/events';
import { addNode, loadNetworkSettings, saveNetworkSettings, findNode } from '../src-main/network/network-settings';
import { retrieve } from '../src-main/network/retrieve';
import { startDicomListener, type DicomListener } from '../src-main/network/scp/dicom-listener';
import { createImportService } from '../src-main/studies/import/import-service';
import { dcmdumpValue, dicomFilesIn, freePort, runTool, startOrthanc, startStorescp } from '../tests/helpers/pacs-peers';

const sharedData = path.resolve(process.env.RADSTATION_SHARED_DATA ?? path.join(import.meta.dirname, '..', '..', 'shared', 'data'));
const series = ['mr-brain-t1-mprage-siemens', 'ct-head-ge-tilted'].map((name) => dicomFilesIn(path.join(sharedData, 'dicom', 'series', name)));
const studies = series.map((files) => dcmdumpValue(files[0]!, '0020,000d'));
const instances = series.reduce((sum, files) => sum + files.length, 0);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-bench-pacs-'));

const scpPort = await freePort();
const storescpDir = path.join(work, 'storescp');
const storescp = await startStorescp('DCMTKSCP', storescpDir);
const orthanc = await startOrthanc({
  modalities: {
    radstation: ['RADSTATION', '127.0.0.1', scpPort],
    dcmtk: ['DCMTKSCP', '127.0.0.1', storescp.port],
    movescu: ['MOVESCU', '127.0.0.1', 1],
    getscu: ['GETSCU', '127.0.0.1', 1],
  },
});
const rate = (seconds: number) => Math.round((instances / seconds) * 10) / 10;
const results: Record<string, number> = {};

try {
  const seedStart = performance.now();
  await orthanc.upload(series.flat());
  console.log(`seeded Orthanc with ${instances} instances in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  for (const method of ['move', 'get', 'wado'] as RetrieveMethod[]) {
    const cacheDir = path.join(work, `cache-${method}`);
    saveNetworkSettings(cacheDir, { ...loadNetworkSettings(cacheDir), localPort: scpPort });
    addNode(cacheDir, method === 'wado' ? { name: 'pacs', kind: 'dicomweb', url: orthanc.dicomWebUrl } : { name: 'pacs', kind: 'dimse', aet: orthanc.aet, host: '127.0.0.1', port: orthanc.dicomPort, tls: false });
    const settings = loadNetworkSettings(cacheDir);
    const imports = createImportService(cacheDir, new EventBus());
    let listener: DicomListener | undefined;
    try {
      // The listener is started before the clock, as it runs all along in `serve`.
      if (method === 'move') listener = await startDicomListener({ cacheDir, imports, settings: () => settings });
      const started = performance.now();
      let retrieved = 0;
      for (const studyInstanceUid of studies) {
        const report = await retrieve({ cacheDir, settings, imports, ...(listener ? { listener: async () => listener! } : {}) }, { node: findNode(settings, 'pacs'), studyInstanceUid, method });
        if (report.status !== 'completed') throw new Error(`${method}: ${report.status}: ${report.message ?? ''}`);
        retrieved += report.retrieved;
      }
      const seconds = (performance.now() - started) / 1000;
      if (retrieved !== instances) throw new Error(`${method}: retrieved ${retrieved} of ${instances}`);
      results[`${method}_per_s`] = rate(seconds);
      console.log(`radstation ${method.padEnd(4)}: ${instances} instances in ${seconds.toFixed(2)} s, ${rate(seconds)} instances/s (into the cache, imported)`);
    } finally {
      await listener?.close();
      await imports.close();
    }
  }

  const dcmtk = async (name: string, tool: string, args: (study: string) => string[], countDir: string) => {
    const started = performance.now();
    for (const study of studies) {
      const run = await runTool(tool, args(study), 600_000);
      if (run.code !== 0) throw new Error(`${tool} failed: ${run.output.slice(-500)}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const files = fs.readdirSync(countDir).length;
    if (files < instances) throw new Error(`${tool}: ${files} of ${instances} files arrived`);
    results[`dcmtk_${name}_per_s`] = rate(seconds);
    console.log(`dcmtk ${name.padEnd(4)}     : ${instances} instances in ${seconds.toFixed(2)} s, ${rate(seconds)} instances/s (files only)`);
  };
  const query = (study: string) => ['-S', '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${study}`];
  await dcmtk('move', 'movescu', (study) => ['-aet', 'MOVESCU', '-aec', orthanc.aet, '-aem', 'DCMTKSCP', ...query(study), '127.0.0.1', String(orthanc.dicomPort)], storescpDir);
  const getDir = path.join(work, 'getscu');
  fs.mkdirSync(getDir);
  await dcmtk('get', 'getscu', (study) => ['-aet', 'GETSCU', '-aec', orthanc.aet, '-od', getDir, ...query(study), '127.0.0.1', String(orthanc.dicomPort)], getDir);

  const best = Math.max(results.move_per_s ?? 0, results.get_per_s ?? 0);
  const dcmtkBest = Math.max(results.dcmtk_move_per_s ?? 0, results.dcmtk_get_per_s ?? 0);
  console.log(
    JSON.stringify({
      instances,
      move_per_s: results.move_per_s,
      get_per_s: results.get_per_s,
      wado_per_s: results.wado_per_s,
      dcmtk_move_per_s: results.dcmtk_move_per_s,
      dcmtk_get_per_s: results.dcmtk_get_per_s,
      ratio: Math.round((best / dcmtkBest) * 100) / 100,
    }),
  );
} finally {
  await storescp.stop();
  await orthanc.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
