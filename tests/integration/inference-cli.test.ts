import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';
import { openCacheDatabase } from '../../src-main/studies/cache/database';
import { makeUpsampleBundle, parseDicomFile, pythonFixtureProblem, seedCache } from '../helpers/inference/fixtures';

const problem = pythonFixtureProblem();
if (problem) console.warn(`inference-cli tests skipped: ${problem}`);

/** A copy of the test bundle under another ID, so it can sit beside the first without shadowing it. */
function makeBundleWithId(dir: string, id: string): void {
  makeUpsampleBundle(dir);
  const manifestPath = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { id: string };
  manifest.id = id;
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) }, out, err };
}

describe.skipIf(problem !== undefined)('radstation models and infer', () => {
  const temp = makeTempDir('radstation-cli-');
  const models = path.join(temp.dir, 'models');
  const previousConfigHome = process.env.XDG_CONFIG_HOME;
  const previousModelsPath = process.env.RADSTATION_MODELS;

  beforeAll(() => {
    // Keep the user-data folder (verification store, user models) inside the test's folder.
    process.env.XDG_CONFIG_HOME = path.join(temp.dir, 'config');
    makeUpsampleBundle(path.join(models, 'test-upsample'));
  });

  afterAll(() => {
    if (previousConfigHome === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = previousConfigHome;
    if (previousModelsPath === undefined) delete process.env.RADSTATION_MODELS;
    else process.env.RADSTATION_MODELS = previousModelsPath;
    temp.cleanup();
  });

  it('models --json lists bundles, tasks and validity', async () => {
    const { io, out } = capture();
    await expect(runCli(['models', '--models', models, '--json'], io)).resolves.toBe(0);
    const { bundles } = JSON.parse(out[0]!) as { bundles: Array<{ id: string; valid: boolean; origin: string; tasks: Array<{ id: string; runnable: boolean }> }> };
    const bundle = bundles.find((candidate) => candidate.id === 'test-upsample');
    expect(bundle).toMatchObject({ valid: true, origin: 'extra' });
    expect(bundle?.tasks.map((task) => task.id)).toEqual(['upsample-x2', 'upsample-x2-tiled', 'upsample-x2-mr', 'upsample-x2-undershoot']);
  });

  it('infer --file --json writes a derived series and prints its summary', async () => {
    const { io, out, err } = capture();
    const file = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', '10.dcm');
    const code = await runCli(['infer', '--task', 'upsample-x2', '--file', file, '--models', models, '--cache', path.join(temp.dir, 'cache'), '--provider', 'cpu', '--json'], io);
    expect(code, err.join('\n')).toBe(0);
    const printed = JSON.parse(out[0]!) as { task: string; bundle: string; provider: string; seconds: number; seriesInstanceUID: string; outputs: string[] };
    expect(printed).toMatchObject({ task: 'upsample-x2', bundle: 'test-upsample', provider: 'cpu' });
    expect(printed.seconds).toBeGreaterThan(0);
    expect(printed.outputs).toHaveLength(1);
    const derived = parseDicomFile(printed.outputs[0]!);
    expect(derived.string('x0020000e')).toBe(printed.seriesInstanceUID);
    expect(derived.uint16('x00280010')).toBe(1024);
    expect(derived.elements.x00082112?.items?.[0]?.dataSet?.string('x00081155')).toBe(parseDicomFile(file).string('x00080018'));
    expect(fs.readdirSync(path.join(temp.dir, 'cache', 'derived'))).toEqual([printed.seriesInstanceUID]);
  });

  it('infer --series --json prints exactly {task, bundle, provider, seconds, seriesInstanceUID, outputs} (with the version, fallbacks and training-data warnings) and adds the series to the cache', async () => {
    const cacheDir = path.join(temp.dir, 'series-cache');
    const files = ['01.dcm', '02.dcm'].map((name) => sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', name));
    const seeded = seedCache(cacheDir, files);
    const { io, out, err } = capture();
    const code = await runCli(['infer', '--task', 'upsample-x2', '--series', seeded.seriesInstanceUid, '--models', models, '--cache', cacheDir, '--provider', 'webgpu', '--json'], io);
    expect(code, err.join('\n')).toBe(0);
    expect(out).toHaveLength(1);
    const printed = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(Object.keys(printed).sort()).toEqual(['bicubicPreferred', 'bundle', 'bundleVersion', 'fallbacks', 'outputs', 'provider', 'seconds', 'seriesInstanceUID', 'task', 'warnings']);
    // The test bundle declares no trainedOn, so there is nothing to warn about.
    expect(printed).toMatchObject({ task: 'upsample-x2', bundle: 'test-upsample', bundleVersion: '1.2.3', warnings: [], bicubicPreferred: null });
    // WebGPU has no adapter here: the result names the CPU and says why WebGPU was passed over.
    if (printed.provider === 'webgpu') console.warn('WebGPU opened on this machine; the CLI fallback path was not exercised');
    else expect(printed).toMatchObject({ provider: 'cpu', fallbacks: [{ provider: 'webgpu' }] });
    const outputs = printed.outputs as string[];
    expect(outputs).toHaveLength(2);
    const db = openCacheDatabase(cacheDir, { readonly: true });
    try {
      const row = db.prepare('SELECT study_instance_uid, is_derived FROM series WHERE series_instance_uid = ?').get(printed.seriesInstanceUID) as { study_instance_uid: string; is_derived: number } | undefined;
      expect(row).toEqual({ study_instance_uid: seeded.studyInstanceUid, is_derived: 1 });
      const paths = (db.prepare('SELECT file_path FROM instances WHERE series_instance_uid = ?').all(printed.seriesInstanceUID) as Array<{ file_path: string }>).map((r) => r.file_path);
      expect(paths.sort()).toEqual([...outputs].sort());
    } finally {
      db.close();
    }
    for (const output of outputs) expect(parseDicomFile(output).string('x0020000e')).toBe(printed.seriesInstanceUID);
  });

  it('infer without --json reports progress slice by slice and the provider that ran', async () => {
    const { io, out, err } = capture();
    const file = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', '11.dcm');
    const code = await runCli(['infer', '--task', 'upsample-x2', '--file', file, '--models', models, '--cache', path.join(temp.dir, 'cache'), '--provider', 'cpu'], io);
    expect(code, err.join('\n')).toBe(0);
    expect(err).toEqual(['slice 0/1', 'slice 1/1']);
    expect(out[0]).toMatch(/^upsample-x2 \(test-upsample 1\.2\.3\) ran on cpu in /);
    // --file results are not added to the cache: they stay in the derived series' own folder.
    const uid = /^derived series ([\d.]+): 1 file in (.*)$/.exec(out[1] ?? '');
    expect(uid?.[2], out[1]).toBe(path.join(temp.dir, 'cache', 'derived', uid?.[1] ?? '?'));
  });

  it("finds bundles in the user's models folder and in RADSTATION_MODELS folders, and runs them", async () => {
    makeBundleWithId(path.join(temp.dir, 'config', 'Radstation', 'models', 'mine'), 'test-user');
    makeBundleWithId(path.join(temp.dir, 'env-models-a', 'a'), 'test-env-a');
    makeBundleWithId(path.join(temp.dir, 'env-models-b', 'b'), 'test-env-b');
    process.env.RADSTATION_MODELS = [path.join(temp.dir, 'env-models-a'), path.join(temp.dir, 'env-models-b')].join(path.delimiter);
    try {
      const { io, out } = capture();
      await expect(runCli(['models', '--json'], io)).resolves.toBe(0);
      const { bundles } = JSON.parse(out[0]!) as { bundles: Array<{ id: string; valid: boolean; origin: string; dir: string }> };
      const listed = Object.fromEntries(bundles.map((bundle) => [bundle.id, [bundle.origin, bundle.valid, bundle.dir]]));
      expect(listed['test-user']).toEqual(['user', true, path.join(temp.dir, 'config', 'Radstation', 'models', 'mine')]);
      expect(listed['test-env-a']).toEqual(['extra', true, path.join(temp.dir, 'env-models-a', 'a')]);
      expect(listed['test-env-b']).toEqual(['extra', true, path.join(temp.dir, 'env-models-b', 'b')]);
      for (const bundle of ['test-user', 'test-env-b']) {
        const run = capture();
        const file = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', '12.dcm');
        const code = await runCli(['infer', '--task', 'upsample-x2', '--bundle', bundle, '--file', file, '--cache', path.join(temp.dir, 'cache'), '--provider', 'cpu', '--json'], run.io);
        expect(code, run.err.join('\n')).toBe(0);
        expect(JSON.parse(run.out[0]!)).toMatchObject({ task: 'upsample-x2', bundle, provider: 'cpu' });
      }
    } finally {
      delete process.env.RADSTATION_MODELS;
    }
  });

  it('infer refuses bad usage with exit code 2 and an unknown task with exit code 1', async () => {
    const usage = capture();
    await expect(runCli(['infer', '--task', 'upsample-x2'], usage.io)).resolves.toBe(2);
    expect(usage.err[0]).toMatch(/exactly one of --series UID or --file PATH/);
    const unknown = capture();
    const file = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', '10.dcm');
    await expect(runCli(['infer', '--task', 'nope', '--file', file, '--models', models, '--cache', path.join(temp.dir, 'cache2')], unknown.io)).resolves.toBe(1);
    expect(unknown.err[0]).toMatch(/No model bundle offers the task "nope"/);
  });
});
