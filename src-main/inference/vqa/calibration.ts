import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { normalizeQuestion } from '../../reports/header-facts';

/**
 * A closed-VQA bundle's calibration file (build/model/calibrate_vqa.py writes it): the question types
 * as ordered patterns, each with the confidence threshold chosen on the validation split (null: the
 * model does not reach the target precision on that type, so it does not answer it), and an
 * out-of-distribution score on the graph's image features, fitted on training images only.
 */
export const vqaCalibrationSchema = z.object({
  schemaVersion: z.literal(1),
  targetPrecision: z.number().min(0).max(1),
  rule: z.string(),
  validationSplit: z.string(),
  questionTypes: z
    .array(
      z.object({
        id: z.string(),
        label: z.string(),
        pattern: z.string(),
        threshold: z.number().min(0).max(1).nullable(),
        validation: z.object({ questions: z.number().int().nonnegative(), precision: z.number().nullable(), coverage: z.number().nullable() }),
      }),
    )
    .min(1),
  outOfDistribution: z
    .object({
      kind: z.literal('mahalanobis'),
      featureOutput: z.string(),
      mean: z.array(z.number()),
      precisionMatrix: z.array(z.array(z.number())),
      threshold: z.number().positive(),
      fittedOn: z.string(),
    })
    .refine((ood) => ood.precisionMatrix.length === ood.mean.length && ood.precisionMatrix.every((row) => row.length === ood.mean.length), 'the precision matrix must be square, one row per feature')
    .optional(),
});
export type VqaCalibration = z.infer<typeof vqaCalibrationSchema>;
export type QuestionType = VqaCalibration['questionTypes'][number];

const loaded = new Map<string, VqaCalibration>();

/** A bundle's calibration file, read and checked once per file (the bundle's checksums were verified on load). */
export function readVqaCalibration(bundleDir: string, file: string): VqaCalibration {
  const full = path.join(bundleDir, file);
  const cached = loaded.get(full);
  if (cached) return cached;
  const calibration = vqaCalibrationSchema.parse(JSON.parse(fs.readFileSync(full, 'utf8')));
  loaded.set(full, calibration);
  return calibration;
}

/** The first question type whose pattern matches the normalised question (the calibration's own order). */
export function questionTypeOf(calibration: VqaCalibration, question: string): QuestionType {
  const text = normalizeQuestion(question);
  return calibration.questionTypes.find((type) => new RegExp(type.pattern).test(text)) ?? calibration.questionTypes[calibration.questionTypes.length - 1]!;
}

/** Mahalanobis distance of one image's features from the training images' mean. */
export function mahalanobisDistance(features: ArrayLike<number>, mean: readonly number[], precision: readonly (readonly number[])[]): number {
  const centred = mean.map((value, index) => features[index]! - value);
  let total = 0;
  for (let i = 0; i < centred.length; i += 1) {
    const row = precision[i]!;
    let dot = 0;
    for (let j = 0; j < centred.length; j += 1) dot += row[j]! * centred[j]!;
    total += centred[i]! * dot;
  }
  return Math.sqrt(Math.max(0, total));
}

export interface CalibratedDecision {
  abstained: boolean;
  /** Why the model does not answer, in plain words; null when it answers. */
  reason: string | null;
  /** True when no confidence would do: the question type needs the full model. */
  needsFullModel: boolean;
}

/** Whether a calibrated model answers: the type must be calibrated, the image in distribution, the confidence above the type's threshold. */
export function calibratedDecision(type: QuestionType | null, confidence: number, ood: { distance: number; threshold: number } | null, fallbackThreshold: number, targetPrecision: number): CalibratedDecision {
  const percent = (value: number) => `${Math.round(value * 100)}%`;
  if (type && type.threshold === null) {
    return {
      abstained: true,
      needsFullModel: true,
      reason: `This question (${type.label}) needs the full model: on its validation questions the compact model does not reach ${percent(targetPrecision)} precision at any useful coverage, so it does not answer it.`,
    };
  }
  if (ood && ood.distance > ood.threshold) {
    return { abstained: true, needsFullModel: false, reason: `This image is unlike the model's training data (distance ${ood.distance.toFixed(1)} from its training images, above the limit ${ood.threshold.toFixed(1)}), so the compact model does not answer.` };
  }
  const threshold = type?.threshold ?? fallbackThreshold;
  if (confidence < threshold) {
    return { abstained: true, needsFullModel: false, reason: `The compact model is not sure: ${percent(confidence)} confidence, below the ${percent(threshold)} it needs${type ? ` on ${type.label} questions` : ''}.` };
  }
  return { abstained: false, needsFullModel: false, reason: null };
}
