import type { DataSet } from 'dicom-parser';
import type { MetadataAnswer } from '../../src-shared/domain/reports';
import { answerFromHeaderFacts } from './header-facts';

/**
 * Questions whose answer is recorded in the study rather than visible in the pixels
 * (slice thickness, dates, scanner settings) are answered from the DICOM header and
 * the cache, never by a model, and say which attributes they came from.
 */
export interface MetadataContext {
  readonly header: DataSet;
  /** Instances in the same series, from the cache. */
  readonly seriesInstanceCount: number;
  /** Other studies of the same patient in the cache, newest first. */
  readonly otherStudies: readonly { studyDate: string; modalities: string; description: string }[];
  readonly studyDate: string;
}

interface QuestionRule {
  readonly pattern: RegExp;
  answer(context: MetadataContext): MetadataAnswer;
}

const tags = {
  SliceThickness: 'x00180050',
  SpacingBetweenSlices: 'x00180088',
  PixelSpacing: 'x00280030',
  StudyDate: 'x00080020',
  AcquisitionDate: 'x00080022',
  Manufacturer: 'x00080070',
  ManufacturerModelName: 'x00081090',
  MagneticFieldStrength: 'x00180087',
  RepetitionTime: 'x00180080',
  EchoTime: 'x00180081',
  KVP: 'x00180060',
  ExposureInMas: 'x00181153',
  XRayTubeCurrent: 'x00181151',
  PatientAge: 'x00101010',
  PatientSex: 'x00100040',
  Rows: 'x00280010',
  Columns: 'x00280011',
  ConvolutionKernel: 'x00181210',
} as const;
type Keyword = keyof typeof tags;

function text(header: DataSet, keyword: Keyword): string | undefined {
  const value = header.string(tags[keyword])?.trim();
  return value ? value : undefined;
}

function integer(header: DataSet, keyword: Keyword): number | undefined {
  return header.elements[tags[keyword]] ? header.uint16(tags[keyword]) : undefined;
}

export function formatDicomDate(date: string): string {
  return /^\d{8}$/.test(date) ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}` : date;
}

const answered = (answer: string, basis: string[]): MetadataAnswer => ({ answered: true, answer, basis });
const notRecorded = (what: string, basis: string[]): MetadataAnswer => answered(`The ${what} is not recorded in this image's DICOM header.`, basis);

const rules: readonly QuestionRule[] = [
  {
    pattern: /slice thickness|how thick|thickness of (the )?slices?/i,
    answer: ({ header }) => {
      const thickness = text(header, 'SliceThickness');
      const spacing = text(header, 'SpacingBetweenSlices');
      if (!thickness) return notRecorded('slice thickness', ['SliceThickness']);
      const gap = spacing ? `; spacing between slices ${spacing} mm` : '';
      return answered(`Slice thickness ${thickness} mm${gap}.`, spacing ? ['SliceThickness', 'SpacingBetweenSlices'] : ['SliceThickness']);
    },
  },
  {
    pattern: /pixel (spacing|size)|in-plane resolution/i,
    answer: ({ header }) => {
      const spacing = text(header, 'PixelSpacing')?.split('\\');
      if (!spacing || spacing.length !== 2) return notRecorded('pixel spacing', ['PixelSpacing']);
      return answered(`Pixel spacing ${spacing[0]} mm (between rows) × ${spacing[1]} mm (between columns).`, ['PixelSpacing']);
    },
  },
  {
    pattern: /\b(prior|previous|earlier|last|comparison)\b.*\b(study|exam|examination|scan|imaging)\b/i,
    answer: ({ otherStudies, studyDate }) => {
      const prior = otherStudies.find((study) => study.studyDate !== '' && studyDate !== '' && study.studyDate < studyDate);
      if (!prior) return answered('No earlier study of this patient is in the cache.', ['cache: studies with the same Patient ID']);
      const description = prior.description ? `, "${prior.description}"` : '';
      return answered(`The most recent prior study in the cache is from ${formatDicomDate(prior.studyDate)} (${prior.modalities || 'modality not recorded'}${description}).`, ['cache: studies with the same Patient ID', 'StudyDate']);
    },
  },
  {
    pattern: /when (was|were) (this|the) (study|scan|image|exam)|date of (the|this) (study|scan|exam)|study date/i,
    answer: ({ header }) => {
      const date = text(header, 'StudyDate') ?? text(header, 'AcquisitionDate');
      return date ? answered(`The study is dated ${formatDicomDate(date)}.`, ['StudyDate']) : notRecorded('study date', ['StudyDate', 'AcquisitionDate']);
    },
  },
  {
    pattern: /\b(scanner|manufacturer|vendor|machine)\b/i,
    answer: ({ header }) => {
      const maker = [text(header, 'Manufacturer'), text(header, 'ManufacturerModelName')].filter(Boolean).join(' ');
      return maker ? answered(`Acquired on ${maker}.`, ['Manufacturer', 'ManufacturerModelName']) : notRecorded('scanner', ['Manufacturer']);
    },
  },
  {
    pattern: /field strength|\btesla\b/i,
    answer: ({ header }) => {
      const strength = text(header, 'MagneticFieldStrength');
      return strength ? answered(`Magnetic field strength ${strength} T.`, ['MagneticFieldStrength']) : notRecorded('field strength', ['MagneticFieldStrength']);
    },
  },
  {
    pattern: /repetition time|echo time|\bTR\b|\bTE\b/i,
    answer: ({ header }) => {
      const tr = text(header, 'RepetitionTime');
      const te = text(header, 'EchoTime');
      if (!tr && !te) return notRecorded('repetition and echo times', ['RepetitionTime', 'EchoTime']);
      return answered(`TR ${tr ?? 'not recorded'} ms, TE ${te ?? 'not recorded'} ms.`, ['RepetitionTime', 'EchoTime']);
    },
  },
  {
    pattern: /\bkvp\b|tube voltage|\bkv\b|\bmas\b|tube current/i,
    answer: ({ header }) => {
      const kvp = text(header, 'KVP');
      const mas = text(header, 'ExposureInMas');
      const ma = text(header, 'XRayTubeCurrent');
      if (!kvp && !mas && !ma) return notRecorded('exposure settings', ['KVP', 'ExposureInMas', 'XRayTubeCurrent']);
      const parts = [kvp && `${kvp} kVp`, ma && `${ma} mA`, mas && `${mas} mAs`].filter(Boolean);
      return answered(`Exposure: ${parts.join(', ')}.`, ['KVP', 'XRayTubeCurrent', 'ExposureInMas']);
    },
  },
  {
    pattern: /how old|patient'?s? age|age of the patient/i,
    answer: ({ header }) => {
      const age = text(header, 'PatientAge');
      return age ? answered(`Patient age at the study: ${age.replace(/^0+/, '').replace(/Y$/, ' years').replace(/M$/, ' months').replace(/W$/, ' weeks').replace(/D$/, ' days')}.`, ['PatientAge']) : notRecorded('patient age', ['PatientAge']);
    },
  },
  {
    pattern: /patient'?s? sex|\bgender\b|male or female|is the patient (a )?(male|female|man|woman|boy|girl)\b/i,
    answer: ({ header }) => {
      const sex = text(header, 'PatientSex');
      const words: Record<string, string> = { M: 'male', F: 'female', O: 'other' };
      return sex ? answered(`Patient sex: ${words[sex] ?? sex}.`, ['PatientSex']) : notRecorded('patient sex', ['PatientSex']);
    },
  },
  {
    pattern: /how many (images|slices)|number of (images|slices)/i,
    answer: ({ seriesInstanceCount }) => answered(`This series has ${seriesInstanceCount} image${seriesInstanceCount === 1 ? '' : 's'} in the cache.`, ['cache: instances of the series']),
  },
  {
    pattern: /matrix|image size|how many pixels|dimensions of the image/i,
    answer: ({ header }) => {
      const rows = integer(header, 'Rows');
      const columns = integer(header, 'Columns');
      return rows && columns ? answered(`The image is ${columns} × ${rows} pixels (columns × rows).`, ['Rows', 'Columns']) : notRecorded('image size', ['Rows', 'Columns']);
    },
  },
  {
    pattern: /(reconstruction|convolution) kernel|\bkernel\b/i,
    answer: ({ header }) => {
      const kernel = text(header, 'ConvolutionKernel');
      return kernel ? answered(`Reconstruction kernel: ${kernel.replace(/\\/g, ', ')}.`, ['ConvolutionKernel']) : notRecorded('reconstruction kernel', ['ConvolutionKernel']);
    },
  },
];

/** The first matching rule's answer, or `{answered: false}` so the question goes to a model. */
export function answerFromMetadata(question: string, context: MetadataContext): MetadataAnswer {
  const fact = answerFromHeaderFacts(question, context.header);
  if (fact) return fact;
  const rule = rules.find((candidate) => candidate.pattern.test(question));
  return rule ? rule.answer(context) : { answered: false };
}
