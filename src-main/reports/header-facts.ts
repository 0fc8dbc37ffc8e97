import type { DataSet } from 'dicom-parser';
import type { MetadataAnswer } from '../../src-shared/domain/reports';

/**
 * Facts a DICOM header records about what an image is (modality, contrast, plane, MR weighting,
 * body part, laterality), answered from the header before any model sees the question, and the
 * same facts as values, so that a model answer contradicting them can be withheld.
 */

const tag = {
  Modality: 'x00080060',
  SOPClassUID: 'x00080016',
  ContrastBolusAgent: 'x00180010',
  ContrastBolusAgentSequence: 'x00180012',
  ContrastBolusRoute: 'x00181040',
  ContrastBolusVolume: 'x00181041',
  ContrastBolusTotalDose: 'x00181044',
  ContrastBolusIngredient: 'x00181048',
  BodyPartExamined: 'x00180015',
  ImageOrientationPatient: 'x00200037',
  ViewPosition: 'x00185101',
  Laterality: 'x00200060',
  ImageLaterality: 'x00200062',
  ScanningSequence: 'x00180020',
  SequenceName: 'x00180024',
  RepetitionTime: 'x00180080',
  EchoTime: 'x00180081',
  InversionTime: 'x00180082',
} as const;
type Keyword = keyof typeof tag;

const read = (header: DataSet, keyword: Keyword): string | undefined => header.string(tag[keyword])?.trim() || undefined;
const number = (header: DataSet, keyword: Keyword): number | undefined => {
  const value = Number.parseFloat(read(header, keyword)?.split('\\')[0] ?? '');
  return Number.isFinite(value) ? value : undefined;
};
const answered = (answer: string, basis: string[]): MetadataAnswer => ({ answered: true, answer, basis });

/** Names a reader uses for each DICOM modality code, matched as whole words in the normalised question. */
const modalityWords: Record<string, RegExp> = {
  CT: /\b(ct|cat|computed tomograph\w*)\b/,
  MR: /\b(mri?|magnetic resonance)\b/,
  CR: /\b(x ray|xray|radiograph\w*|plain film)\b/,
  DX: /\b(x ray|xray|radiograph\w*|plain film)\b/,
  US: /\b(ultrasound|sonograph\w*|us)\b/,
  PT: /\b(pet)\b/,
  NM: /\b(nuclear medicine|scintigra\w*|spect)\b/,
  MG: /\b(mammogra\w*)\b/,
  XA: /\b(angiogra\w*)\b/,
};
const modalityNames: Record<string, string> = { CT: 'CT', MR: 'MR', CR: 'X-ray (computed radiography)', DX: 'X-ray (digital radiography)', US: 'ultrasound', PT: 'PET', NM: 'nuclear medicine', MG: 'mammography', XA: 'X-ray angiography', OT: 'other', SC: 'secondary capture' };
/** SOP Classes whose name says the modality (the image's storage class, which the Modality attribute should agree with). */
const sopClassNames: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.2': 'CT Image Storage',
  '1.2.840.10008.5.1.4.1.1.2.1': 'Enhanced CT Image Storage',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image Storage',
  '1.2.840.10008.5.1.4.1.1.4.1': 'Enhanced MR Image Storage',
  '1.2.840.10008.5.1.4.1.1.1': 'Computed Radiography Image Storage',
  '1.2.840.10008.5.1.4.1.1.1.1': 'Digital X-Ray Image Storage',
  '1.2.840.10008.5.1.4.1.1.6.1': 'Ultrasound Image Storage',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture Image Storage',
  '1.2.840.10008.5.1.4.1.1.12.1': 'X-Ray Angiographic Image Storage',
  '1.2.840.10008.5.1.4.1.1.20': 'Nuclear Medicine Image Storage',
  '1.2.840.10008.5.1.4.1.1.128': 'PET Image Storage',
};

export type Plane = 'axial' | 'coronal' | 'sagittal';
const planeWords: Record<Plane, RegExp> = { axial: /\b(axial|transverse|transaxial)\b/, coronal: /\bcoronal\b/, sagittal: /\bsagittal\b/ };
/** A slice whose normal is within this angle of a patient axis is called by that axis's plane; beyond it, oblique. */
export const PLANE_TOLERANCE_DEGREES = 30;

/** The plane from Image Orientation (Patient): the slice normal (row × column) against the patient's axes. */
export function planeFromOrientation(orientation: readonly number[]): { plane: Plane | 'oblique'; angleDegrees: number } | undefined {
  if (orientation.length !== 6 || orientation.some((value) => !Number.isFinite(value))) return undefined;
  const [rx, ry, rz, cx, cy, cz] = orientation as [number, number, number, number, number, number];
  const normal = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  const length = Math.hypot(...normal);
  if (length < 1e-6) return undefined;
  const components = normal.map((value) => Math.abs(value) / length);
  const axis = components.indexOf(Math.max(...components));
  const angleDegrees = (Math.acos(Math.min(1, components[axis]!)) * 180) / Math.PI;
  // Normal along x (left–right): sagittal; along y (front–back): coronal; along z (head–foot): axial.
  const plane = (['sagittal', 'coronal', 'axial'] as const)[axis]!;
  return { plane: angleDegrees <= PLANE_TOLERANCE_DEGREES ? plane : 'oblique', angleDegrees };
}

export type Weighting = 'T1-weighted' | 'T2-weighted' | 'proton-density-weighted' | 'FLAIR (T2-weighted, fluid suppressed)';

/**
 * MR weighting from the header, by a rule written down here and quoted in the answer:
 * 1. an inversion time TI >= 1500 ms with TR >= 4000 ms is FLAIR; a TI of 300-1500 ms with a short TE (< 20 ms),
 *    as in MPRAGE, is T1-weighted (inversion-prepared); a TI below 300 ms is STIR-like and is not named;
 * 2. without inversion, TR < 1000 ms and TE < 30 ms is T1-weighted; TR >= 2000 ms and TE >= 70 ms is T2-weighted;
 *    TR >= 2000 ms and TE < 40 ms is proton-density-weighted;
 * 3. anything else (gradient echo with mid values, missing TR or TE) is not named: the header does not state it plainly.
 */
export const WEIGHTING_RULE =
  'TI >= 1500 ms with TR >= 4000 ms: FLAIR; TI 300-1500 ms with TE < 20 ms: T1 (inversion-prepared); no inversion: TR < 1000 ms and TE < 30 ms: T1, TR >= 2000 ms and TE >= 70 ms: T2, TR >= 2000 ms and TE < 40 ms: PD; otherwise not named';

export function weightingFromTimes(tr: number | undefined, te: number | undefined, ti: number | undefined): Weighting | undefined {
  if (tr === undefined || te === undefined) return undefined;
  if (ti !== undefined && ti > 0) {
    if (ti >= 1500 && tr >= 4000) return 'FLAIR (T2-weighted, fluid suppressed)';
    if (ti >= 300 && ti < 1500 && te < 20) return 'T1-weighted';
    return undefined;
  }
  if (tr < 1000 && te < 30) return 'T1-weighted';
  if (tr >= 2000 && te >= 70) return 'T2-weighted';
  if (tr >= 2000 && te < 40) return 'proton-density-weighted';
  return undefined;
}

/** The contrast attributes present in the header, as "Attribute: value" strings; empty when none is recorded. */
export function recordedContrast(header: DataSet): string[] {
  const keywords: Keyword[] = ['ContrastBolusAgent', 'ContrastBolusRoute', 'ContrastBolusVolume', 'ContrastBolusTotalDose', 'ContrastBolusIngredient'];
  const found = keywords.flatMap((keyword) => {
    const value = read(header, keyword);
    return value ? [`${keyword}: ${value}`] : [];
  });
  const sequence = header.elements[tag.ContrastBolusAgentSequence]?.items?.length ?? 0;
  return sequence > 0 ? [...found, `ContrastBolusAgentSequence: ${sequence} item${sequence === 1 ? '' : 's'}`] : found;
}
const contrastKeywords = ['ContrastBolusAgent', 'ContrastBolusRoute', 'ContrastBolusVolume', 'ContrastBolusTotalDose', 'ContrastBolusIngredient', 'ContrastBolusAgentSequence'];

/** What the header records, as values a model answer can be checked against. */
export interface RecordedFacts {
  modality?: string;
  plane?: Plane | 'oblique';
  contrastRecorded: boolean;
}

export function recordedFacts(header: DataSet): RecordedFacts {
  const orientation = read(header, 'ImageOrientationPatient')?.split('\\').map(Number.parseFloat);
  const plane = orientation ? planeFromOrientation(orientation)?.plane : undefined;
  const modality = read(header, 'Modality');
  return { ...(modality ? { modality } : {}), ...(plane ? { plane } : {}), contrastRecorded: recordedContrast(header).length > 0 };
}

/** Why a model's answer cannot stand beside the header's facts, or undefined when it does not contradict them. */
export function contradiction(facts: RecordedFacts, questionType: string, answer: string): string | undefined {
  const text = normalizeQuestion(answer);
  if (facts.modality) {
    const named = Object.entries(modalityWords).filter(([, pattern]) => pattern.test(text)).map(([code]) => code);
    if (named.length > 0 && !named.includes(facts.modality)) return `the header records Modality ${facts.modality}, and the model's answer "${answer}" names another modality`;
  }
  if (facts.plane) {
    const named = (Object.keys(planeWords) as Plane[]).filter((plane) => planeWords[plane].test(text));
    if (named.length > 0 && !named.includes(facts.plane as Plane)) return `Image Orientation (Patient) gives a ${facts.plane} slice, and the model's answer "${answer}" names another plane`;
  }
  if (questionType === 'contrast' && !facts.contrastRecorded && text === 'yes') return "no contrast agent is recorded in the header, and the model's answer is yes";
  return undefined;
}

export function normalizeQuestion(question: string): string {
  return question.toLowerCase().replace(/[-/]/g, ' ').replace(/\s+/g, ' ').trim();
}

const yesNo = /^(is|are|was|were|does|do|did|has|have|had)\b/;

interface FactRule {
  readonly pattern: RegExp;
  answer(header: DataSet, question: string): MetadataAnswer | undefined;
}

function modalityAnswer(header: DataSet, question: string): MetadataAnswer | undefined {
  const code = read(header, 'Modality');
  const sopClass = read(header, 'SOPClassUID');
  const className = sopClass ? sopClassNames[sopClass] : undefined;
  const basis = ['Modality', ...(sopClass ? ['SOPClassUID'] : [])];
  if (!code) return answered('The modality is not recorded in this image\'s DICOM header.', basis);
  const name = modalityNames[code] ?? code;
  const classPart = className ? ` (SOP Class: ${className})` : '';
  const asked = Object.entries(modalityWords).filter(([, pattern]) => pattern.test(question)).map(([key]) => key);
  if (yesNo.test(question) && asked.length > 0 && !/\bor\b/.test(question)) {
    const yes = asked.includes(code);
    return answered(`${yes ? 'Yes' : 'No'}: the header records Modality ${code}, ${name}${classPart}.`, basis);
  }
  return answered(`${name} (Modality ${code}${classPart}).`, basis);
}

function contrastAnswer(header: DataSet, question: string): MetadataAnswer {
  const found = recordedContrast(header);
  if (found.length === 0) {
    return answered(`No contrast agent is recorded in this image's DICOM header (Contrast/Bolus Agent, Route, Volume, Total Dose, Ingredient and Agent Sequence are absent or empty). The header cannot prove that none was given.`, contrastKeywords);
  }
  return answered(`${yesNo.test(question) ? 'Yes: contrast' : 'Contrast'} is recorded in the header: ${found.join('; ')}.`, found.map((entry) => entry.split(':')[0]!));
}

function planeAnswer(header: DataSet, question: string): MetadataAnswer | undefined {
  const orientation = read(header, 'ImageOrientationPatient')?.split('\\').map(Number.parseFloat);
  const found = orientation ? planeFromOrientation(orientation) : undefined;
  if (!found) {
    const view = read(header, 'ViewPosition');
    return view ? answered(`View position ${view}.`, ['ViewPosition']) : undefined;
  }
  const angle = `the slice normal is ${found.angleDegrees.toFixed(1)}° from the nearest patient axis; within ${PLANE_TOLERANCE_DEGREES}° is called that axis's plane`;
  const asked = (Object.keys(planeWords) as Plane[]).filter((plane) => planeWords[plane].test(question));
  if (yesNo.test(question) && asked.length === 1) {
    return answered(`${asked[0] === found.plane ? 'Yes' : 'No'}: Image Orientation (Patient) gives ${found.plane === 'oblique' ? 'an oblique' : `a ${found.plane}`} slice (${angle}).`, ['ImageOrientationPatient']);
  }
  return answered(`${found.plane === 'oblique' ? 'Oblique' : found.plane[0]!.toUpperCase() + found.plane.slice(1)} (from Image Orientation (Patient): ${angle}).`, ['ImageOrientationPatient']);
}

function weightingAnswer(header: DataSet, question: string): MetadataAnswer | undefined {
  const modality = read(header, 'Modality');
  if (modality && modality !== 'MR') return answered(`This is not an MR image (Modality ${modality}), so it has no MR weighting or sequence.`, ['Modality']);
  if (!modality) return undefined;
  const tr = number(header, 'RepetitionTime');
  const te = number(header, 'EchoTime');
  const ti = number(header, 'InversionTime');
  const weighting = weightingFromTimes(tr, te, ti);
  const basis = ['RepetitionTime', 'EchoTime', 'InversionTime', 'ScanningSequence', 'SequenceName'];
  const sequence = [read(header, 'ScanningSequence'), read(header, 'SequenceName')].filter(Boolean).join(', ');
  const times = `TR ${tr ?? 'not recorded'} ms, TE ${te ?? 'not recorded'} ms${ti !== undefined ? `, TI ${ti} ms` : ''}${sequence ? `; sequence ${sequence}` : ''}`;
  if (!weighting) return answered(`The header does not state the weighting plainly (${times}); by the rule (${WEIGHTING_RULE}) it is not named.`, basis);
  const asked = [/\bt1\b/.test(question) && 'T1-weighted', /\bt2\b/.test(question) && !/\bflair\b/.test(question) && 'T2-weighted', /\bflair\b/.test(question) && 'FLAIR (T2-weighted, fluid suppressed)', /\b(pd|proton density)\b/.test(question) && 'proton-density-weighted'].filter(Boolean);
  const lead = yesNo.test(question) && asked.length === 1 ? `${asked[0] === weighting ? 'Yes' : 'No'}: ` : '';
  return answered(`${lead}${weighting}, from ${times} (rule: ${WEIGHTING_RULE}).`, basis);
}

const rules: readonly FactRule[] = [
  { pattern: /\b(contrast (agent|medium|bolus|given|administered|injected|enhanced|study|scan)|with contrast|without contrast|post contrast|pre contrast|(was|were|is) (there )?(any )?(iv )?contrast|contrast enhanc\w*|enhanced (ct|mri?|scan|study|image)|gadolinium|iodinated|which contrast)\b/, answer: contrastAnswer },
  { pattern: /\b(weighting|weighted|(t1|t2|flair|pd|proton density) (image|scan|sequence|mri?)|what sequence|which sequence|is (this|it) (a |an )?(t1|t2|flair))\b/, answer: weightingAnswer },
  {
    pattern: /\b(modality|what (kind|type) of (image|imaging|scan|study)|imaging (method|technique)|(is|was) (this|it) (an? )?(ct|cat|mri?|x ray|xray|radiograph|ultrasound|pet|mammogram)|(ct|mri?|x ray|xray|ultrasound) or (an? )?(ct|mri?|x ray|xray|ultrasound))\b/,
    answer: modalityAnswer,
  },
  { pattern: /\b(plane|orientation|(is|was) (this|it) (an? )?(axial|coronal|sagittal|transverse|oblique)|(axial|coronal|sagittal) or)\b/, answer: planeAnswer },
  {
    pattern: /\b(body part|part of the body|which organ|what organ|organ system|what (region|area) (is|was) (imaged|scanned|examined)|what (is|was) (imaged|scanned|examined))\b/,
    answer: (header) => {
      const part = read(header, 'BodyPartExamined');
      return part ? answered(`Body part examined: ${part}.`, ['BodyPartExamined']) : undefined;
    },
  },
  {
    pattern: /\b(laterality|which side (is|was) (imaged|scanned|examined)|(left|right) or (left|right) (side|breast|knee|hip|shoulder|hand|foot|wrist|ankle|elbow|eye|ear|kidney))\b/,
    answer: (header) => {
      const side = read(header, 'ImageLaterality') ?? read(header, 'Laterality');
      const basis = ['ImageLaterality', 'Laterality'];
      const words: Record<string, string> = { L: 'left', R: 'right', B: 'both sides', U: 'unpaired' };
      return side ? answered(`Laterality: ${words[side] ?? side}.`, basis) : answered("Laterality is not recorded in this image's DICOM header.", basis);
    },
  },
];

/** The header's answer to a question about what the image is, or undefined when no fact rule covers it. */
export function answerFromHeaderFacts(question: string, header: DataSet): MetadataAnswer | undefined {
  const text = normalizeQuestion(question);
  for (const rule of rules) {
    if (!rule.pattern.test(text)) continue;
    const result = rule.answer(header, text);
    if (result) return result;
  }
  return undefined;
}
