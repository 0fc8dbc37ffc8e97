import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { WorkerTaskError } from '../worker/errors';
import type { VqaRequest, VqaResult } from '../worker/protocol';
import type { SessionCache } from '../worker/session-cache';
import { calibratedDecision, mahalanobisDistance, questionTypeOf, readVqaCalibration, type VqaCalibration } from './calibration';
import { resizeGrayscaleLikePillow } from './pil-resample';
import { QuestionTokenizer, questionVocabularySchema } from './question-tokenizer';

interface VqaFiles {
  tokenizer: QuestionTokenizer;
  answers: string[];
  calibration: VqaCalibration | null;
}

/** Answers and vocabulary per bundle folder; they are read once, the bundle having been verified. */
const filesByTask = new Map<string, VqaFiles>();

function vqaFiles(request: VqaRequest): VqaFiles {
  const key = `${request.bundle.dir}\u0000${request.task.id}`;
  const cached = filesByTask.get(key);
  if (cached) return cached;
  const read = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(request.bundle.dir, file), 'utf8'));
  const files = {
    tokenizer: new QuestionTokenizer(questionVocabularySchema.parse(read(request.task.vqa.questionVocabularyFile))),
    answers: z.array(z.string()).parse(read(request.task.vqa.answersFile)),
    calibration: request.task.vqa.calibrationFile ? readVqaCalibration(request.bundle.dir, request.task.vqa.calibrationFile) : null,
  };
  filesByTask.set(key, files);
  return files;
}

function imageTensor(request: VqaRequest): ort.Tensor {
  const { task, image } = request;
  if (task.preprocessing.size.kind !== 'resize' || task.preprocessing.channels !== 1 || task.preprocessing.normalization.kind !== 'fixed-scale') {
    throw new WorkerTaskError('invalid-input', `this runtime runs closed-VQA models that take one resized, fixed-scale grayscale image; ${task.id} asks for something else`);
  }
  if (image.pixels.length !== image.width * image.height) throw new WorkerTaskError('invalid-input', 'the image does not have width × height 8-bit pixels');
  const { width, height } = task.preprocessing.size;
  const resized = resizeGrayscaleLikePillow(image.pixels, image.width, image.height, width, height);
  const { scale, offset } = task.preprocessing.normalization;
  const values = Float32Array.from(resized, (value) => value * scale + offset);
  return new ort.Tensor('float32', values, [1, 1, height, width]);
}

function outOfDistribution(ood: NonNullable<VqaCalibration['outOfDistribution']>, features: unknown): { distance: number; threshold: number } {
  if (!(features instanceof Float32Array) || features.length !== ood.mean.length) {
    throw new WorkerTaskError('model-error', `the model's ${ood.featureOutput} output does not have the ${ood.mean.length} features its calibration expects`);
  }
  return { distance: mahalanobisDistance(features, ood.mean, ood.precisionMatrix), threshold: ood.threshold };
}

function softmax(logits: Float32Array): Float64Array {
  const max = logits.reduce((a, b) => Math.max(a, b), -Infinity);
  const exps = Float64Array.from(logits, (value) => Math.exp(value - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / total);
}

export async function runVqa(request: VqaRequest, sessions: SessionCache): Promise<VqaResult> {
  const { tokenizer, answers, calibration } = vqaFiles(request);
  const [imageInput, questionInput] = request.task.inputs;
  const [logitsOutput] = request.task.outputs;
  if (!imageInput || !questionInput || !logitsOutput) throw new WorkerTaskError('invalid-input', `${request.task.id} must declare an image input, a question input and a logits output`);
  const { session, provider, fallbacks } = await sessions.acquire(path.join(request.bundle.dir, request.task.graphs[0]!), request.provider);
  const feeds = {
    [imageInput.name]: imageTensor(request),
    [questionInput.name]: new ort.Tensor('int64', tokenizer.encode(request.question), [1, request.task.vqa.maxQuestionTokens]),
  };
  const started = performance.now();
  let outputs: ort.InferenceSession.OnnxValueMapType;
  try {
    outputs = await session.run(feeds);
  } catch (error) {
    throw new WorkerTaskError('model-error', `the model failed on this question: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const inferenceMs = performance.now() - started;
  const logits = outputs[logitsOutput.name]?.data;
  if (!(logits instanceof Float32Array) || logits.length !== answers.length) {
    throw new WorkerTaskError('model-error', `the model's ${logitsOutput.name} output does not match its ${answers.length} answers`);
  }
  const probabilities = softmax(logits);
  const ranked = [...probabilities.keys()].sort((a, b) => probabilities[b]! - probabilities[a]!).slice(0, 5);
  const best = ranked[0]!;
  const confidence = probabilities[best]!;
  const type = calibration ? questionTypeOf(calibration, request.question) : null;
  const ood = calibration?.outOfDistribution ? outOfDistribution(calibration.outOfDistribution, outputs[calibration.outOfDistribution.featureOutput]?.data) : null;
  const decision = calibratedDecision(type, confidence, ood, request.task.vqa.abstainBelow, calibration?.targetPrecision ?? 0);
  return {
    provider,
    fallbacks,
    answer: answers[best]!,
    confidence,
    abstained: decision.abstained,
    abstainReason: decision.reason,
    needsFullModel: decision.needsFullModel,
    questionType: type ? { id: type.id, label: type.label, threshold: type.threshold } : null,
    outOfDistribution: ood,
    alternatives: ranked.map((index) => ({ answer: answers[index]!, probability: probabilities[index]! })),
    unknownWords: tokenizer.unknownWords(request.question),
    inferenceMs,
  };
}
