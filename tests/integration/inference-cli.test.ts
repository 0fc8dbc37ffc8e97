import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';
import { makeUpsampleBundle, parseDicomFile, pythonFixtureProblem } from '../helpers/inference/fixtures';

const problem = pythonFixtureProblem();
if (problem) console.warn(`inference-cli tests skipped: ${problem}`);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) }, out, err };
}

describe.skipIf(problem !== undefined)('radstation models and infer', () => {
  const temp = makeTempDir('radstation-cli-');
  const models = path.join(temp.dir, 'models');
  const previousConfigHome = process.env.XDG_CONFIG_HOME;

  beforeAll(() => {
    // Keep the user-data folder (verification store, user models) inside the test's folder.
    process.env.XDG_CONFIG_HOME = path.join(temp.dir, 'config');
    makeUpsampleBundle(path.join(models, 'test-upsample'));
  });

  afterAll(() => {
    if (previousConfigHome === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = previousConfigHome;
    temp.cleanup();
  });

  it('models --json lists bundles, tasks and validity', async () => {
    const { io, out } = capture();
    await expect(runCli(['models', '--models', models, '--json'], io)).resolves.toBe(0);
    const { bundles } = JSON.parse(out[0]!) as { bundles: Array<{ id: string; valid: boolean; origin: string; tasks: Array<{ id: string; runnable: boolean }> }> };
    const bundle = bundles.find((candidate) => candidate.id === 'test-upsample');
    expect(bundle).toMatchObject({ valid: true, origin: 'extra' });
    expect(bundle?.tasks.map((task) => task.id)).toEqual(['upsample-x2', 'upsample-x2-tiled', 'upsample-x2-mr']);
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
