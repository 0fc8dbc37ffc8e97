import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src-main/services';
import { createVlmService } from '../../src-main/inference/vlm/vlm-service';
import { bundleMemoryNeed } from '../../src-main/inference/vlm/memory-pressure';
import { bundleManifestSchema } from '../../src-shared/inference/manifest';
import { vlmAskRequestSchema } from '../../src-shared/contract/vlm';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// The memory rule: when a vision-language bundle is opened and free memory is short of what it needs, the compact
// model's open sessions are released first. Real services, the shipped compact bundle and the tiny HealthGPT bundle
// that build/model/healthgpt converts from random weights. Only the free-memory reading is supplied by the test:
// this machine's free memory cannot be lowered on demand.
const PYTHON = process.env['RADSTATION_PYTHON'] ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, numpy'], { encoding: 'utf8' });
const ctFile = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', '01.dcm');
const skipReason = probe.status !== 0 ? `${PYTHON} lacks torch/onnx/numpy, needed to build the tiny bundle`
  : !fs.existsSync(ctFile) ? `shared test data not found at ${ctFile}` : undefined;
if (skipReason) console.log(`vlm memory-pressure tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('memory pressure: the compact model gives way to the VLM', () => {
  const temp = makeTempDir('radstation-vlm-memory-');
  let bundleDir = '';
  let services: Services;

  beforeAll(async () => {
    const made = spawnSync(PYTHON, [path.resolve('build/model/healthgpt/make_tiny_checkpoint.py'), temp.dir, '--convert'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    bundleDir = path.join(temp.dir, 'bundle-fp32');
    services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache'), userDataDir: path.join(temp.dir, 'user'), modelDirs: [bundleDir] });
  }, 180_000);

  afterAll(async () => {
    await services?.close();
    temp.cleanup();
  });

  /** A VLM service on the app's bundles, with this free-memory reading, that answers one question and closes. */
  async function openVlmWith(freeBytes: number) {
    const vlm = createVlmService({
      bundles: services.inference,
      instanceFile: () => ctFile,
      emit: () => {},
      providerSetting: 'cpu',
      sessionOptions: { intraOpNumThreads: 1 },
      memory: { freeMemory: () => freeBytes, releaseImageSessions: () => services.inference.releaseSessions() },
    });
    await vlm.ask(vlmAskRequestSchema.parse({ bundleId: 'tiny-healthgpt', sopInstanceUid: '1.2.3', question: 'describe the findings.', maxNewTokens: 2 }));
    await vlm.close();
    return vlm.memoryReliefs();
  }

  it("counts a bundle's files, with working memory, in what it needs", () => {
    const manifest = bundleManifestSchema.parse(JSON.parse(fs.readFileSync(path.join(bundleDir, 'manifest.json'), 'utf8')));
    const onDisk = manifest.files.reduce((sum, file) => sum + fs.statSync(path.join(bundleDir, file.path)).size, 0);
    expect(bundleMemoryNeed(manifest)).toBeGreaterThan(onDisk);
  });

  it("releases the compact model's open sessions when free memory is short of the VLM bundle's need", async () => {
    await services.inference.warmUp({ taskId: 'superres-x2', provider: 'cpu' });
    await services.inference.warmUp({ taskId: 'superres-x4', provider: 'cpu' });
    const [relief] = await openVlmWith(1024);
    expect(relief).toMatchObject({ bundleId: 'tiny-healthgpt', freeBytes: 1024, releasedSessions: 2 });
    expect(relief!.needBytes).toBeGreaterThan(1024);
    // Nothing is left open, and the compact model still works: its session reopens on the next use.
    expect(await services.inference.releaseSessions()).toBe(0);
    expect(await services.inference.warmUp({ taskId: 'superres-x2', provider: 'cpu' })).toMatchObject({ provider: 'cpu' });
  }, 120_000);

  it('leaves them open when there is room', async () => {
    await services.inference.warmUp({ taskId: 'superres-x2', provider: 'cpu' });
    const [relief] = await openVlmWith(Number.MAX_SAFE_INTEGER);
    expect(relief).toMatchObject({ bundleId: 'tiny-healthgpt', releasedSessions: 0 });
    expect(await services.inference.releaseSessions()).toBe(1);
  }, 120_000);
});
