import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) }, out, err };
}

describe('radstation CLI', () => {
  it('lists its commands with --help and exits 0', async () => {
    const { io, out } = capture();
    await expect(runCli(['--help'], io)).resolves.toBe(0);
    expect(out.join('\n')).toMatch(/serve\s+Serve the workstation/);
    expect(out.join('\n')).toMatch(/version\s+Print the versions/);
  });

  it('prints one error line and exits 2 for an unknown command', async () => {
    const { io, err, out } = capture();
    await expect(runCli(['frobnicate'], io)).resolves.toBe(2);
    expect(err).toEqual([`radstation: unknown command "frobnicate". Run 'radstation --help' for the list.`]);
    expect(out).toEqual([]);
  });

  it('prints one error line and exits 2 for a bad option', async () => {
    const { io, err } = capture();
    await expect(runCli(['version', '--colour'], io)).resolves.toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^radstation: version: .*--colour/);
  });

  it('reports versions as JSON, reading onnxruntime from its installed package', async () => {
    const { io, out } = capture();
    await expect(runCli(['version', '--json'], io)).resolves.toBe(0);
    const versions = JSON.parse(out[0] ?? '{}') as Record<string, string>;
    expect(versions.node).toBe(process.versions.node);
    expect(versions.onnxruntime).toMatch(/^\d+\.\d+\.\d+/);
  });
});
