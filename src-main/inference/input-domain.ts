import type { DataSet } from 'dicom-parser';
import type { ImageToImageTask, TrainingDomain } from '../../src-shared/inference/manifest';
import { recordedContrast, weightingFromTimes } from '../reports/header-facts';

/**
 * Whether an input to an image task (super-resolution, contrast conversion) is like what the task was
 * trained on (the manifest's `trainedOn`), in words a reader can act on, and whether bicubic upsampling
 * is known to do better on this kind of input.
 */

/**
 * A skull-stripped slice has its background set to exactly one value: in the BraTS-style volumes here
 * 65-72 % of a mid-brain slice is exactly the minimum, against 1.5-2.5 % on the Siemens MPRAGE with skull,
 * whose background is noise. Above this share the slice is taken as skull-stripped.
 */
export const SKULL_STRIPPED_MIN_SHARE = 0.3;
const postContrastWords = /(\+c\b|\bpost\b|\bgad|\bgd\b|contrast|\bce\b|\bmprage.*\+|\bc\+)/i;

export interface InputFacts {
  modality: string;
  postContrast: { value: boolean; why: string };
  weighting: string | undefined;
  skullStripped: boolean | undefined;
  sliceThicknessMm: number | undefined;
  pixelSpacingMm: number | undefined;
  rows: number;
  columns: number;
}

const firstNumber = (value: string | undefined): number | undefined => {
  const parsed = Number.parseFloat(value?.split('\\')[0] ?? '');
  return Number.isFinite(parsed) ? parsed : undefined;
};

/** What the header and the pixels say about an input slice. `stored` is one frame's stored values. */
export function inputFacts(header: DataSet, stored: ArrayLike<number>, rows: number, columns: number): InputFacts {
  const modality = header.string('x00080060')?.trim() ?? '';
  const contrast = recordedContrast(header);
  const description = [header.string('x0008103e'), header.string('x00181030')].filter(Boolean).join(' ');
  const postContrast = contrast.length > 0 ? { value: true, why: `the header records ${contrast[0]}` } : postContrastWords.test(description) ? { value: true, why: `its description "${description.trim()}" says so` } : { value: false, why: 'no contrast agent is recorded' };
  let skullStripped: boolean | undefined;
  if (modality === 'MR' && stored.length > 0) {
    let min = Infinity;
    for (let i = 0; i < stored.length; i += 1) min = Math.min(min, stored[i]!);
    let atMin = 0;
    for (let i = 0; i < stored.length; i += 1) if (stored[i] === min) atMin += 1;
    skullStripped = atMin / stored.length >= SKULL_STRIPPED_MIN_SHARE;
  }
  const weighting = modality === 'MR' ? weightingFromTimes(firstNumber(header.string('x00180080')), firstNumber(header.string('x00180081')), firstNumber(header.string('x00180082'))) : undefined;
  return { modality, postContrast, weighting, skullStripped, sliceThicknessMm: firstNumber(header.string('x00180050')), pixelSpacingMm: firstNumber(header.string('x00280030')), rows, columns };
}

export interface DomainCheck {
  /** Each way the input differs from the training data, in plain words; empty when it is alike. */
  warnings: string[];
  /** Why bicubic upsampling should be shown instead of the model's output; null when the model is not known to lose. */
  bicubicPreferred: string | null;
}

const outside = (value: number | undefined, range: readonly [number, number] | undefined) => value !== undefined && range !== undefined && (value < range[0] || value > range[1]);
const inputKind = (facts: InputFacts) => (facts.modality === 'CT' ? 'ct' : facts.modality === 'MR' && facts.skullStripped === false ? 'mr-with-skull' : facts.modality === 'MR' && facts.skullStripped ? 'mr-skull-stripped' : undefined);

export function checkInputDomain(task: ImageToImageTask, facts: InputFacts): DomainCheck {
  const domain: TrainingDomain | undefined = task.trainedOn;
  if (!domain) return { warnings: [], bicubicPreferred: null };
  const trained = `trained on ${domain.description}`;
  const warnings: string[] = [];
  if (!domain.modalities.includes(facts.modality)) warnings.push(`This model was ${trained}; this input is ${facts.modality || 'of an unrecorded modality'}.`);
  if (domain.postContrast === false && facts.postContrast.value) warnings.push(`This model was ${trained}, without contrast; this input is post-contrast (${facts.postContrast.why}).`);
  if (domain.weightings && facts.weighting && !domain.weightings.some((weighting) => facts.weighting!.startsWith(weighting))) warnings.push(`This model was ${trained}; this input is ${facts.weighting} by its TR/TE/TI.`);
  if (domain.skullStrippedOnly && facts.skullStripped === false) warnings.push(`This model was ${trained}; this input has the skull and scalp in it (its background is not blank).`);
  if (outside(facts.sliceThicknessMm, domain.sliceThicknessMm)) warnings.push(`This model was ${trained}, ${domain.sliceThicknessMm![0]}-${domain.sliceThicknessMm![1]} mm slices; this input's slices are ${facts.sliceThicknessMm} mm thick.`);
  if (outside(facts.pixelSpacingMm, domain.pixelSpacingMm)) warnings.push(`This model was ${trained}, ${domain.pixelSpacingMm![0]}-${domain.pixelSpacingMm![1]} mm pixels; this input's pixels are ${facts.pixelSpacingMm} mm.`);
  if (outside(Math.max(facts.rows, facts.columns), domain.matrix)) warnings.push(`This model was ${trained}, ${domain.matrix![0]}-${domain.matrix![1]} pixel matrices; this input is ${facts.columns}×${facts.rows}.`);
  const fov = facts.pixelSpacingMm !== undefined ? facts.pixelSpacingMm * Math.max(facts.rows, facts.columns) : undefined;
  if (outside(fov, domain.fieldOfViewMm)) warnings.push(`This model was ${trained}, a ${domain.fieldOfViewMm![0]}-${domain.fieldOfViewMm![1]} mm field of view; this input's is ${Math.round(fov!)} mm.`);
  const kind = inputKind(facts);
  const loses = kind ? domain.losesToBicubicOn?.find((entry) => entry.kind === kind) : undefined;
  return { warnings, bicubicPreferred: loses ? loses.reason : null };
}
