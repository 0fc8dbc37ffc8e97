import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/dispatch';
import { runCli } from '../../src-main/cli/main';
import { resizeGrayscaleLikePillow } from '../../src-main/inference/vqa/pil-resample';
import { createServices, type Services } from '../../src-main/services';
import { python, pythonFixtureProblem } from '../helpers/inference/fixtures';
import { makeTempDir } from '../helpers/temp-dir';

// A hand-made closed-VQA bundle whose answers Python computes independently (with
// Pillow's resize and numpy), run through the real contract, worker and onnxruntime.
const problem = pythonFixtureProblem() ?? (spawnSync(python, ['-c', 'import PIL'], { encoding: 'utf8' }).status === 0 ? undefined : 'python3-pil is missing');
if (problem) console.warn(`inference-vqa tests skipped: ${problem}`);

const here = path.dirname(fileURLToPath(import.meta.url));
const context = { host: 'web', client: 'test', role: 'owner' } as const;

interface TestImage {
  width: number;
  height: number;
  pixels: number[];
  question: string;
  returnResized?: boolean;
}

interface FileCase {
  file: string;
  question: string;
}

/** A deterministic textured image with the given overall brightness. */
function image(width: number, height: number, level: number, question: string): TestImage {
  const pixels = Array.from({ length: width * height }, (_, index) => Math.max(0, Math.min(255, Math.round(level + 40 * Math.sin(index * 0.37) + ((index * 7919) % 23) - 11))));
  return { width, height, pixels, question };
}

describe.skipIf(problem !== undefined)('closed VQA through the contract', () => {
  const temp = makeTempDir('radstation-vqa-');
  const cases: TestImage[] = [
    { ...image(300, 200, 200, 'Is it bright?'), returnResized: true },
    image(512, 512, 60, 'is it dark'),
    image(90, 130, 132, 'is it bright or dark'),
    image(256, 256, 120, 'Liver?'),
  ];
  const fileCases: FileCase[] = [
    { file: path.join(temp.dir, 'bright.png'), question: 'is it bright' },
    { file: path.join(temp.dir, 'dark.jpg'), question: 'is it dark' },
    { file: path.join(temp.dir, 'colour.png'), question: 'liver' },
  ];
  let expected: { answer: string; probabilities: number[]; pilResized: number[] | null }[];
  let services: Services;

  beforeAll(() => {
    // Image files as a user would pass them to the CLI, written by Pillow.
    const written = spawnSync(
      python,
      ['-c', `import sys, numpy as np
from PIL import Image
y, x = np.mgrid[0:180, 0:240]
Image.fromarray((190 + 30 * np.sin(x / 9.0)).astype(np.uint8), 'L').save(sys.argv[1])
Image.fromarray((50 + 25 * np.cos(y / 7.0) + x % 9).astype(np.uint8), 'L').save(sys.argv[2], quality=90)
Image.fromarray(np.stack([(x % 256), (y % 256), ((x + y) % 256)], -1).astype(np.uint8), 'RGB').save(sys.argv[3])`, ...fileCases.map((fileCase) => fileCase.file)],
      { encoding: 'utf8' },
    );
    if (written.status !== 0) throw new Error(written.stderr);
    const casesFile = path.join(temp.dir, 'cases.json');
    fs.writeFileSync(casesFile, JSON.stringify([...cases, ...fileCases]));
    const made = spawnSync(python, [path.join(here, '..', 'helpers', 'inference', 'make_vqa_bundle.py'), path.join(temp.dir, 'models', 'test-vqa'), casesFile], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (made.status !== 0) throw new Error(made.stderr);
    expected = (JSON.parse(made.stdout) as { cases: typeof expected }).cases;
    services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache'), userDataDir: path.join(temp.dir, 'user'), modelDirs: [path.join(temp.dir, 'models')] });
  });

  afterAll(async () => {
    await services?.close();
    temp.cleanup();
  });

  const ask = (testImage: TestImage, provider: 'cpu' | 'webgpu' = 'cpu') =>
    dispatch(
      services.handlers,
      'inference.askClosed',
      // Named, because the shipped bundle offers vqa-closed too and would be chosen first.
      { provider, bundleId: 'test-vqa', question: testImage.question, image: { width: testImage.width, height: testImage.height, pixelsBase64: Buffer.from(Uint8Array.from(testImage.pixels)).toString('base64') } },
      context,
    );

  it('resizes as Pillow does, within one grey level', () => {
    const first = cases[0]!;
    const ours = resizeGrayscaleLikePillow(Uint8Array.from(first.pixels), first.width, first.height, 112, 112);
    const pillow = expected[0]!.pilResized!.map((value) => Math.round(value * 255));
    const worst = pillow.reduce((max, value, index) => Math.max(max, Math.abs(value - ours[index]!)), 0);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('gives the answers and confidences computed independently, saying which model and provider answered', async () => {
    for (const [index, testImage] of cases.entries()) {
      const result = await ask(testImage);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (!result.ok) continue;
      const value = result.value as { answer: string; confidence: number; abstained: boolean; bundleId: string; bundleVersion: string; provider: string };
      const probabilities = expected[index]!.probabilities;
      expect(value.answer).toBe(expected[index]!.answer);
      expect(value.confidence).toBeCloseTo(Math.max(...probabilities), 2);
      expect(value.abstained).toBe(Math.max(...probabilities) < 0.9);
      expect(value).toMatchObject({ bundleId: 'test-vqa', bundleVersion: '0.0.1', provider: 'cpu' });
    }
  });

  it('abstains below the threshold and names the words it does not know', async () => {
    const unsure = await ask(image(64, 64, 128, 'Is the pancreas enhancing?'));
    expect(unsure).toMatchObject({ ok: true, value: { abstained: true, unknownWords: ['the', 'pancreas', 'enhancing'] } });
  });

  it('falls back from WebGPU to the CPU here and says so', async () => {
    const result = await ask(cases[1]!, 'webgpu');
    expect(result.ok).toBe(true);
    const value = (result as { value: { provider: string; fallbacks: { provider: string }[] } }).value;
    if (value.provider === 'webgpu') return console.warn('WebGPU is usable here; the fallback was not exercised');
    expect(value.provider).toBe('cpu');
    expect(value.fallbacks[0]?.provider).toBe('webgpu');
  });

  it('answers from PNG and JPEG files on the command line, one line per batch line, going on past a bad line', async () => {
    const batch = path.join(temp.dir, 'questions.jsonl');
    const lines = fileCases.map((fileCase) => JSON.stringify({ image: path.basename(fileCase.file), question: fileCase.question }));
    fs.writeFileSync(batch, [lines[0], lines[1], '{"image": "missing.png", "question": "is it dark"}', lines[2]].join('\n'));
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['infer', '--task', 'vqa-closed', '--bundle', 'test-vqa', '--batch', batch, '--models', path.join(temp.dir, 'models'), '--cache', path.join(temp.dir, 'cache'), '--provider', 'cpu', '--json'], {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
    });
    expect(code, err.join('\n')).toBe(1);
    const printed = out.map((line) => JSON.parse(line) as { answer?: string; confidence?: number; abstained?: boolean; error?: string });
    expect(printed).toHaveLength(4);
    expect(printed[2]?.error).toMatch(/^line 3: /);
    for (const [index, result] of [printed[0], printed[1], printed[3]].entries()) {
      const reference = expected[cases.length + index]!;
      expect(result?.answer).toBe(reference.answer);
      // JPEG decoders may differ by a grey level here and there, so confidence is compared loosely.
      expect(result?.confidence).toBeCloseTo(Math.max(...reference.probabilities), 1);
    }
  });

  it('refuses an image whose bytes do not match its size, in plain words', async () => {
    const bad = await dispatch(services.handlers, 'inference.askClosed', { bundleId: 'test-vqa', question: 'is it dark', image: { width: 10, height: 10, pixelsBase64: Buffer.alloc(50).toString('base64') } }, context);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining('10 × 10') } });
  });
});
