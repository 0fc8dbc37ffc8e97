import { describe, expect, it } from 'vitest';
import { calibratedDecision } from '../../src-main/inference/vqa/calibration';
import { contradiction, weightingFromTimes } from '../../src-main/reports/header-facts';

// A model answer that contradicts what the header records is withheld (qa-service.ts): the checks here
// are on literal facts, as a header records them.
describe('model answers against recorded facts', () => {
  const ctAxialNoContrast = { modality: 'CT', plane: 'axial' as const, contrastRecorded: false };

  it('withholds an answer naming another modality or plane, or a "yes" to contrast none is recorded for', () => {
    expect(contradiction(ctAxialNoContrast, 'modality', 'mri')).toMatch(/Modality CT/);
    expect(contradiction(ctAxialNoContrast, 'modality', 'x-ray')).toMatch(/Modality CT/);
    expect(contradiction(ctAxialNoContrast, 'plane', 'coronal')).toMatch(/axial slice/);
    expect(contradiction(ctAxialNoContrast, 'contrast', 'yes')).toMatch(/no contrast agent is recorded/);
  });

  it('lets an answer stand that agrees with the header or says nothing about it', () => {
    expect(contradiction(ctAxialNoContrast, 'modality', 'ct')).toBeUndefined();
    expect(contradiction(ctAxialNoContrast, 'plane', 'axial')).toBeUndefined();
    expect(contradiction(ctAxialNoContrast, 'contrast', 'no')).toBeUndefined();
    expect(contradiction(ctAxialNoContrast, 'organ', 'brain')).toBeUndefined();
    expect(contradiction({ contrastRecorded: true }, 'contrast', 'yes')).toBeUndefined();
  });

  it('names MR weighting only where TR, TE and TI state it plainly', () => {
    expect(weightingFromTimes(500, 15, undefined)).toBe('T1-weighted');
    expect(weightingFromTimes(4000, 100, undefined)).toBe('T2-weighted');
    expect(weightingFromTimes(3000, 20, undefined)).toBe('proton-density-weighted');
    expect(weightingFromTimes(9000, 120, 2500)).toBe('FLAIR (T2-weighted, fluid suppressed)');
    expect(weightingFromTimes(2250, 3.98, 850)).toBe('T1-weighted');
    expect(weightingFromTimes(1500, 50, undefined)).toBeUndefined();
    expect(weightingFromTimes(undefined, 10, undefined)).toBeUndefined();
  });
});

describe('the calibrated decision to answer', () => {
  const type = { id: 'modality', label: 'imaging modality', pattern: 'x', threshold: 0.9, validation: { questions: 40, precision: 0.97, coverage: 0.3 } };

  it('answers above the type threshold on an image like the training data', () => {
    expect(calibratedDecision(type, 0.95, { distance: 5, threshold: 10 }, 0.5, 0.95)).toEqual({ abstained: false, needsFullModel: false, reason: null });
  });

  it('abstains below the threshold, on an image unlike the training data, and on a type it is not calibrated for, saying why', () => {
    expect(calibratedDecision(type, 0.85, null, 0.5, 0.95).reason).toMatch(/85% confidence, below the 90% it needs on imaging modality questions/);
    expect(calibratedDecision(type, 0.99, { distance: 12, threshold: 10 }, 0.5, 0.95).reason).toMatch(/unlike the model's training data/);
    const disabled = calibratedDecision({ ...type, threshold: null }, 0.99, null, 0.5, 0.95);
    expect(disabled).toMatchObject({ abstained: true, needsFullModel: true });
    expect(disabled.reason).toMatch(/needs the full model/);
  });
});
