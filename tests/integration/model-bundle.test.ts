import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { bundleManifestSchema } from '../../src-shared/inference/manifest';
import { bundleDir } from '../helpers/model-python';

const manifestPath = path.join(bundleDir, 'manifest.json');
const manifest = bundleManifestSchema.parse(JSON.parse(fs.readFileSync(manifestPath, 'utf8')));

describe('the radstation-compact bundle', () => {
  it('lists every file with its true size and SHA-256, within the 40 MB budget', () => {
    let total = 0;
    for (const file of manifest.files) {
      const bytes = fs.readFileSync(path.join(bundleDir, file.path));
      expect(bytes.length, file.path).toBe(file.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), file.path).toBe(file.sha256);
      total += bytes.length;
    }
    expect(total).toBeLessThanOrEqual(40 * 1024 * 1024);
  });

  it('declares the issue-6 tasks, with CT<->MR as needs-model', () => {
    const ids = manifest.tasks.map((t) => t.id).sort();
    expect(ids).toEqual(['ct-to-mr', 'mr-t1-to-flair', 'mr-t1-to-t2', 'mr-t2-to-flair', 'mr-t2-to-t1', 'mr-to-ct', 'superres-x2', 'superres-x4', 'vqa-closed'].sort());
    for (const id of ['ct-to-mr', 'mr-to-ct']) {
      expect(manifest.tasks.find((t) => t.id === id)?.availability.status).toBe('needs-model');
    }
  });

  it('has graphs whose inputs and outputs are what the manifest says', async () => {
    for (const task of manifest.tasks.filter((t) => t.availability.status === 'available')) {
      const session = await ort.InferenceSession.create(path.join(bundleDir, task.graphs[0]!), { intraOpNumThreads: 1 });
      expect([...session.inputNames].sort(), task.id).toEqual(task.inputs.map((i) => i.name).sort());
      expect([...session.outputNames], task.id).toEqual(task.outputs.map((o) => o.name));
      await session.release();
    }
  });

  it('runs super-resolution ×2 on an odd-sized slice and doubles both sides', async () => {
    const task = manifest.tasks.find((t) => t.id === 'superres-x2')!;
    const session = await ort.InferenceSession.create(path.join(bundleDir, task.graphs[0]!), { intraOpNumThreads: 1 });
    const [h, w] = [37, 50];
    const pixels = Float32Array.from({ length: h * w }, (_, i) => ((i % w) / w + Math.floor(i / w) / h) / 2);
    const out = (await session.run({ image: new ort.Tensor('float32', pixels, [1, 1, h, w]) })).upscaled!;
    expect(out.dims).toEqual([1, 1, 2 * h, 2 * w]);
    // A smooth ramp stays a ramp: the output must track the input's range, not invent values.
    const data = out.data as Float32Array;
    expect(Math.min(...data)).toBeGreaterThan(-0.1);
    expect(Math.max(...data)).toBeLessThan(1.1);
    await session.release();
  });

  it('ships a vocabulary and an answer list the VQA graph agrees with', async () => {
    const task = manifest.tasks.find((t) => t.kind === 'vqa-closed');
    if (task?.kind !== 'vqa-closed') throw new Error('no vqa-closed task');
    const answers = JSON.parse(fs.readFileSync(path.join(bundleDir, task.vqa.answersFile), 'utf8')) as string[];
    const vocabulary = JSON.parse(fs.readFileSync(path.join(bundleDir, task.vqa.questionVocabularyFile), 'utf8')) as { tokens: string[]; maxTokens: number };
    expect(answers).toEqual(expect.arrayContaining(['yes', 'no']));
    expect(vocabulary.maxTokens).toBe(task.vqa.maxQuestionTokens);
    const session = await ort.InferenceSession.create(path.join(bundleDir, task.graphs[0]!), { intraOpNumThreads: 1 });
    const ids = 'is this an mri'.split(' ').map((w) => Math.max(1, vocabulary.tokens.indexOf(w)));
    const tokens = BigInt64Array.from([...ids, ...Array(task.vqa.maxQuestionTokens - ids.length).fill(0)].map(BigInt));
    const out = await session.run({
      image: new ort.Tensor('float32', new Float32Array(112 * 112).fill(0.3), [1, 1, 112, 112]),
      question_tokens: new ort.Tensor('int64', tokens, [1, task.vqa.maxQuestionTokens]),
    });
    expect(out.logits!.dims).toEqual([1, answers.length]);
    await session.release();
  });

  it('answers a yes/no question with yes or no, and an either-or question with one of the options it names', async () => {
    const task = manifest.tasks.find((t) => t.kind === 'vqa-closed');
    if (task?.kind !== 'vqa-closed') throw new Error('no vqa-closed task');
    const answers = JSON.parse(fs.readFileSync(path.join(bundleDir, task.vqa.answersFile), 'utf8')) as string[];
    const vocabulary = JSON.parse(fs.readFileSync(path.join(bundleDir, task.vqa.questionVocabularyFile), 'utf8')) as { tokens: string[] };
    const session = await ort.InferenceSession.create(path.join(bundleDir, task.graphs[0]!), { intraOpNumThreads: 1 });
    const ask = async (question: string): Promise<Map<string, number>> => {
      const ids = question.toLowerCase().match(/[a-z0-9]+/g)!.map((w) => Math.max(1, vocabulary.tokens.indexOf(w)));
      const tokens = BigInt64Array.from([...ids, ...Array(task.vqa.maxQuestionTokens - ids.length).fill(0)].map(BigInt));
      // A synthetic pattern: the answer must follow the question's form whatever the image shows.
      const image = new Float32Array(112 * 112).map((_, i) => ((i % 112) * (Math.floor(i / 112) + 7)) % 97 / 97);
      const out = await session.run({
        image: new ort.Tensor('float32', image, [1, 1, 112, 112]),
        question_tokens: new ort.Tensor('int64', tokens, [1, task.vqa.maxQuestionTokens]),
      });
      const logits = out.logits!.data as Float32Array;
      const top = Math.max(...logits);
      const weights = Array.from(logits, (l) => Math.exp(l - top));
      const sum = weights.reduce((a, b) => a + b, 0);
      return new Map(answers.map((a, i) => [a, weights[i]! / sum]));
    };
    const mass = (p: Map<string, number>, allowed: string[]): number => allowed.reduce((total, a) => total + (p.get(a) ?? 0), 0);
    for (const question of ['Is there a fracture?', 'Are the lungs clear?', 'Does this show a mass in the liver?']) {
      expect(mass(await ask(question), ['yes', 'no']), question).toBeGreaterThan(0.999);
    }
    for (const [question, options] of [
      ['Is this an MRI or a CT?', ['mri', 'ct']],
      ['Is the lesion on the left or right?', ['left', 'right']],
    ] as const) {
      expect(options.every((o) => answers.includes(o)), `${options.join('/')} in the answer list`).toBe(true);
      const p = await ask(question);
      expect(mass(p, ['yes', 'no']), question).toBeLessThan(0.001);
      // Every answer with any probability is made of the question's own words (the options it names).
      const words = new Set(question.toLowerCase().match(/[a-z0-9]+/g));
      const likely = [...p].filter(([, probability]) => probability > 0.001).map(([answer]) => answer);
      expect(likely.length, question).toBeGreaterThan(0);
      for (const answer of likely) expect((answer.match(/[a-z0-9]+/g) ?? []).every((w) => words.has(w)), `${question} -> ${answer}`).toBe(true);
    }
    // A question that is neither keeps the whole answer list open.
    const open = await ask('What organ is shown?');
    expect(mass(open, ['yes', 'no'])).toBeLessThan(0.999);
    await session.release();
  });
});
