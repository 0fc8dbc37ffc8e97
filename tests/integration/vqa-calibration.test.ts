import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { mahalanobisDistance, questionTypeOf, vqaCalibrationSchema, type VqaCalibration } from '../../src-main/inference/vqa/calibration';
import { loadDisplayedImage } from '../../src-main/inference/vqa/displayed-image';
import { resizeGrayscaleLikePillow } from '../../src-main/inference/vqa/pil-resample';
import { QuestionTokenizer, questionVocabularySchema } from '../../src-main/inference/vqa/question-tokenizer';
import { repoRoot } from '../helpers/cli-process';
import { sharedDataDir } from '../helpers/shared-data';

// The shipped bundle's per-question-type thresholds, re-checked: the validation split's questions are run
// through the bundle's graph in onnxruntime-node here, and precision and coverage are recomputed from the raw
// logits, for every type, against the thresholds read from the bundle's calibration file.
const bundleDir = path.join(repoRoot, 'models', 'radstation-compact');
const imagesDir = path.join(sharedDataDir, 'vqa', 'vqa-rad', 'images');
const skip = fs.existsSync(imagesDir) ? undefined : `the VQA-RAD images are missing (${imagesDir})`;
if (skip) console.warn(`VQA calibration test skipped: ${skip}`);

interface SplitQuestion {
  image: string;
  question: string;
  answer: string;
  type: string;
}

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
// The calibration rule's grid and limits (build/model/calibrate_vqa.py), restated to re-check a null threshold.
const grid = [...Array.from({ length: 50 }, (_, i) => Math.round((0.5 + 0.01 * i) * 100) / 100), 0.995, 0.999];
const MIN_ANSWERED = 10;
const MIN_COVERAGE = 0.05;

describe.skipIf(skip !== undefined)('closed-VQA calibration in the shipped bundle', () => {
  let calibration: VqaCalibration;
  let rows: { type: string; pythonType: string; confidence: number; right: boolean; distance: number }[];

  beforeAll(async () => {
    const manifest = readJson(path.join(bundleDir, 'manifest.json')) as { tasks: { id: string; vqa?: { calibrationFile?: string; answersFile: string; questionVocabularyFile: string } }[] };
    const vqa = manifest.tasks.find((task) => task.id === 'vqa-closed')!.vqa!;
    expect(vqa.calibrationFile).toBe('vqa-calibration.json');
    calibration = vqaCalibrationSchema.parse(readJson(path.join(bundleDir, vqa.calibrationFile!)));
    const answers = readJson(path.join(bundleDir, vqa.answersFile)) as string[];
    const tokenizer = new QuestionTokenizer(questionVocabularySchema.parse(readJson(path.join(bundleDir, vqa.questionVocabularyFile))));
    const split = (readJson(path.join(repoRoot, 'build', 'model', 'vqa-validation-split.json')) as { questions: SplitQuestion[] }).questions;
    const session = await ort.InferenceSession.create(path.join(bundleDir, 'vqa-closed.int8.onnx'), { intraOpNumThreads: 1 });
    const ood = calibration.outOfDistribution!;
    rows = [];
    // Several questions share an image: each is decoded and resized once.
    const inputs = new Map<string, Float32Array>();
    for (const name of new Set(split.map((item) => item.image))) {
      const image = await loadDisplayedImage(path.join(imagesDir, name));
      inputs.set(name, Float32Array.from(resizeGrayscaleLikePillow(image.pixels, image.width, image.height, 112, 112), (value) => value / 255));
    }
    for (const item of split) {
      const outputs = await session.run({
        image: new ort.Tensor('float32', inputs.get(item.image)!, [1, 1, 112, 112]),
        question_tokens: new ort.Tensor('int64', tokenizer.encode(item.question), [1, 24]),
      });
      const logits = outputs.logits!.data as Float32Array;
      const max = Math.max(...logits);
      const exps = Array.from(logits, (value) => Math.exp(value - max));
      const total = exps.reduce((a, b) => a + b, 0);
      const best = exps.indexOf(Math.max(...exps));
      const features = outputs[ood.featureOutput]!.data as Float32Array;
      rows.push({
        type: questionTypeOf(calibration, item.question).id,
        pythonType: item.type,
        confidence: exps[best]! / total,
        right: answers[best] === item.answer,
        distance: mahalanobisDistance(features, ood.mean, ood.precisionMatrix),
      });
    }
  }, 120_000);

  it('types each validation question as the calibration script did (one set of rules, two readers)', () => {
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter((row) => row.type !== row.pythonType)).toEqual([]);
  });

  it('reaches the target precision on every type it answers, and no threshold would reach it on the types it leaves to the full model', () => {
    expect(calibration.targetPrecision).toBe(0.95);
    for (const type of calibration.questionTypes) {
      const ofType = rows.filter((row) => row.type === type.id);
      expect(ofType.length, type.id).toBe(type.validation.questions);
      if (type.threshold !== null) {
        const answered = ofType.filter((row) => row.confidence >= type.threshold!);
        expect(answered.length, type.id).toBeGreaterThanOrEqual(MIN_ANSWERED);
        expect(answered.filter((row) => row.right).length / answered.length, type.id).toBeGreaterThanOrEqual(calibration.targetPrecision);
        expect(answered.length / ofType.length, type.id).toBeCloseTo(type.validation.coverage!, 6);
      } else {
        for (const threshold of grid) {
          const answered = ofType.filter((row) => row.confidence >= threshold);
          const reaches = answered.length >= MIN_ANSWERED && answered.length / ofType.length >= MIN_COVERAGE && answered.filter((row) => row.right).length / answered.length >= calibration.targetPrecision;
          expect(reaches, `${type.id} at ${threshold}`).toBe(false);
        }
      }
    }
  });

  it('flags few in-distribution validation images as unlike the training data', () => {
    const flagged = rows.filter((row) => row.distance > calibration.outOfDistribution!.threshold).length / rows.length;
    expect(flagged).toBeLessThanOrEqual(0.05);
  });
});
