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
});
