import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudyService } from '../../src-main/studies/study-service';
import { cliArgs, repoRoot } from '../helpers/cli-process';
import { hasZstd } from '../helpers/dicom-pixels';
import { makeUpsampleBundle, parseDicomFile, pythonFixtureProblem, storedPixels } from '../helpers/inference/fixtures';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// End to end through a real CLI process: compressed sources are imported, get a thumbnail,
// and run through an inference task. The built CLI (out/main, what ships: codecs load from
// node_modules there) is used when it exists; otherwise the source through tsx, and it says so.
const builtCli = path.join(repoRoot, 'out', 'main', 'cli.js');
const useBuilt = fs.existsSync(builtCli);
if (!useBuilt) console.warn('compressed-sources: out/main/cli.js is missing (npx vite build -c vite.main.config.ts), so the CLI runs from source');
const problem = pythonFixtureProblem() ?? (hasZstd() ? undefined : 'the zstd tool is not installed (the WG04 references are zstd-compressed)');
if (problem) console.warn(`compressed-sources tests skipped: ${problem}`);

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const argv = useBuilt ? [builtCli, ...args] : cliArgs(...args);
  return spawnSync(process.execPath, argv, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, RADSTATION_CACHE: '' } });
}

const wg04 = (...parts: string[]): string => sharedDataPath('dicom', 'conformance', 'wg04', ...parts);

describe.skipIf(problem !== undefined)('compressed sources, through the CLI', () => {
  const temp = makeTempDir('radstation-compressed-');
  const models = path.join(temp.dir, 'models');
  const uncompressedMr = path.join(temp.dir, 'MR1_UNC.dcm');

  beforeAll(() => {
    makeUpsampleBundle(path.join(models, 'test-upsample'));
    execFileSync('zstd', ['-d', '-q', '-o', uncompressedMr, wg04('REF', 'MR1_UNC.zst')]);
  });
  afterAll(() => temp.cleanup());

  function infer(file: string): { outputs: string[] } {
    const result = cli('infer', '--task', 'upsample-x2-mr', '--file', file, '--models', models, '--cache', path.join(temp.dir, 'infer-cache'), '--provider', 'cpu', '--json');
    expect(result.status, result.stderr).toBe(0);
    // stdout is exactly the JSON summary: the codecs' own log lines must not leak into it.
    const lines = result.stdout.split('\n').filter((line) => line.length > 0);
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0]!) as { outputs: string[] };
  }

  it('infer runs a task on JPEG 2000, JPEG-LS, RLE and JPEG lossless MR files, with the same result as on the uncompressed original', () => {
    const reference = storedPixels(parseDicomFile(infer(uncompressedMr).outputs[0]!));
    expect(reference.length).toBe(1024 * 1024);
    for (const file of [wg04('J2KR', 'MR1_J2KR'), wg04('JLSL', 'MR1_JLSL'), wg04('RLE', 'MR1_RLE'), wg04('JPLL', 'MR1_JPLL')]) {
      const derived = parseDicomFile(infer(file).outputs[0]!);
      expect(derived.uint16('x00280010'), file).toBe(1024);
      // Lossless sources decode to the original's stored values, so the model sees the same input.
      expect(Buffer.from(storedPixels(derived).buffer).equals(Buffer.from(reference.buffer)), path.basename(file)).toBe(true);
    }
  });

  it('infer refuses a transfer syntax it cannot decode, naming it, with exit code 1', () => {
    const file = sharedDataPath('dicom', 'conformance', 'cornerstone', 'CTImage.dcm_JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55.dcm');
    const result = cli('infer', '--task', 'upsample-x2', '--file', file, '--models', models, '--cache', path.join(temp.dir, 'infer-cache'), '--provider', 'cpu', '--json');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/JPEG Full Progression \(process 10\/12\) \(1\.2\.840\.10008\.1\.2\.4\.55\)/);
  });

  it('an imported compressed series gets a thumbnail', async () => {
    const cacheDir = path.join(temp.dir, 'cache');
    const result = cli('import', '--cache', cacheDir, '--link', '--json', wg04('J2KR', 'CT1_J2KR'));
    expect(result.status, result.stderr).toBe(0);
    const service = createStudyService(cacheDir);
    try {
      const [study] = service.list({});
      const [series] = service.series(study!.studyInstanceUid);
      const thumbnail = await service.thumbnail(series!.seriesInstanceUid);
      expect(thumbnail).toMatchObject({ status: 'ready', width: 128, height: 128 });
    } finally {
      service.close();
    }
  });
});
