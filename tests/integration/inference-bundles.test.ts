import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleRegistry } from '../../src-main/inference/bundles/bundle-registry';
import { BundleVerifier } from '../../src-main/inference/bundles/bundle-verification';
import { makeTempDir } from '../helpers/temp-dir';
import { makeUpsampleBundle, pythonFixtureProblem } from '../helpers/inference/fixtures';

const problem = pythonFixtureProblem();
if (problem) console.warn(`inference-bundles tests skipped: ${problem}`);

describe.skipIf(problem !== undefined)('model bundles: validation and file verification', () => {
  const temp = makeTempDir('radstation-bundles-');
  const models = path.join(temp.dir, 'models');

  beforeAll(() => {
    makeUpsampleBundle(path.join(models, 'intact'));
    makeUpsampleBundle(path.join(models, 'tampered'));
    makeUpsampleBundle(path.join(models, 'incomplete'));
    // Give the copies their own IDs so none shadows another.
    for (const name of ['tampered', 'incomplete']) {
      const manifestPath = path.join(models, name, 'manifest.json');
      const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { id: string };
      manifest.id = `test-${name}`;
      fs.writeFileSync(manifestPath, JSON.stringify(manifest));
    }
    // Same size, one byte changed: only the checksum can tell.
    const graph = path.join(models, 'tampered', 'upsample.onnx');
    const bytes = fs.readFileSync(graph);
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
    fs.writeFileSync(graph, bytes);
    fs.rmSync(path.join(models, 'incomplete', 'upsample.onnx'));
    fs.mkdirSync(path.join(models, 'broken'));
    fs.writeFileSync(path.join(models, 'broken', 'manifest.json'), JSON.stringify({ schemaVersion: 1, id: 'Broken ID' }));
  });

  afterAll(() => temp.cleanup());

  it('lists a tampered, a missing-file and a malformed bundle as invalid, with the reasons', async () => {
    const registry = new BundleRegistry([{ dir: models, origin: 'user' }], new BundleVerifier());
    const byDir = new Map((await registry.list()).map((bundle) => [path.basename(bundle.dir), bundle.summary]));
    expect(byDir.get('intact')).toMatchObject({ id: 'test-upsample', valid: true, problems: [] });
    expect(byDir.get('tampered')?.valid).toBe(false);
    expect(byDir.get('tampered')?.problems).toEqual(['upsample.onnx does not match its SHA-256 in the manifest (altered or corrupted)']);
    expect(byDir.get('incomplete')?.valid).toBe(false);
    expect(byDir.get('incomplete')?.problems).toEqual(['upsample.onnx is missing']);
    expect(byDir.get('broken')?.valid).toBe(false);
    expect(byDir.get('broken')?.problems.join('\n')).toMatch(/manifest\.json: id/);
    for (const name of ['tampered', 'incomplete']) {
      expect(byDir.get(name)?.tasks.every((task) => !task.runnable && task.reason === 'the bundle is invalid')).toBe(true);
    }
  });

  it('refuses to run a task from an invalid bundle, saying why', async () => {
    const registry = new BundleRegistry([{ dir: models, origin: 'user' }], new BundleVerifier());
    await expect(registry.resolveTask('upsample-x2', 'test-tampered')).rejects.toThrow(/cannot run: test-tampered .*does not match its SHA-256/);
    await expect(registry.resolveTask('upsample-x2', 'test-incomplete')).rejects.toThrow(/upsample\.onnx is missing/);
    await expect(registry.resolveTask('upsample-x2', 'no-such-bundle')).rejects.toThrow(/There is no model bundle "no-such-bundle"/);
    const { bundle } = await registry.resolveTask('upsample-x2');
    expect(bundle.summary.id).toBe('test-upsample');
  });

  it('re-verifies a file whose size or mtime changed after it was verified, and remembers verification on disk', async () => {
    const store = path.join(temp.dir, 'verified.json');
    const copy = path.join(temp.dir, 'later', 'bundle');
    makeUpsampleBundle(copy);
    const registry = new BundleRegistry([{ dir: copy, origin: 'extra' }], new BundleVerifier(store));
    expect((await registry.list())[0]?.summary.valid).toBe(true);
    const remembered = JSON.parse(fs.readFileSync(store, 'utf8')) as Record<string, { sha256: string }>;
    expect(Object.keys(remembered)).toEqual([path.join(copy, 'upsample.onnx')]);

    const graph = path.join(copy, 'upsample.onnx');
    const bytes = fs.readFileSync(graph);
    bytes[10] = bytes[10]! ^ 0x01;
    fs.writeFileSync(graph, bytes);
    fs.utimesSync(graph, new Date(), new Date(Date.now() + 5000));
    const after = (await registry.list())[0]?.summary;
    expect(after?.valid).toBe(false);
    expect(after?.problems[0]).toMatch(/does not match its SHA-256/);
  });

  it('hashes a file once: while its mtime and size stay the same, the remembered result stands, across restarts too', async () => {
    const store = path.join(temp.dir, 'verified-once.json');
    const copy = path.join(temp.dir, 'once', 'bundle');
    makeUpsampleBundle(copy);
    const graph = path.join(copy, 'upsample.onnx');
    // A whole-second mtime, so putting it back below restores it exactly (a Date would drop the sub-millisecond part).
    const stamp = Math.floor(Date.now() / 1000) - 60;
    fs.utimesSync(graph, stamp, stamp);
    expect((await new BundleRegistry([{ dir: copy, origin: 'extra' }], new BundleVerifier(store)).list())[0]?.summary.valid).toBe(true);
    // Change a byte but keep the size and put the mtime back: only a new hash could notice, so a
    // bundle still listed valid proves the hash was not recomputed, by this verifier or a fresh one
    // that reads the remembered results from disk (as after a restart).
    const bytes = fs.readFileSync(graph);
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
    fs.writeFileSync(graph, bytes);
    fs.utimesSync(graph, stamp, stamp);
    const restarted = new BundleRegistry([{ dir: copy, origin: 'extra' }], new BundleVerifier(store));
    expect((await restarted.list())[0]?.summary.valid).toBe(true);
    // Without the remembered result the same file is refused.
    const unremembered = new BundleRegistry([{ dir: copy, origin: 'extra' }], new BundleVerifier());
    expect((await unremembered.list())[0]?.summary.problems).toEqual(['upsample.onnx does not match its SHA-256 in the manifest (altered or corrupted)']);
  });

  it('treats two valid bundles with one ID as ambiguous: the first found wins, the second is refused', async () => {
    const second = path.join(temp.dir, 'second-models');
    makeUpsampleBundle(path.join(second, 'copy'));
    const registry = new BundleRegistry(
      [
        { dir: path.join(models, 'intact'), origin: 'shipped' },
        { dir: second, origin: 'extra' },
      ],
      new BundleVerifier(),
    );
    const [first, shadowed] = await registry.list();
    expect(first?.summary.valid).toBe(true);
    expect(shadowed?.summary.valid).toBe(false);
    expect(shadowed?.summary.problems[0]).toMatch(/already provided by/);
  });
});
