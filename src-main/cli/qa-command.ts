import path from 'node:path';
import { z } from 'zod';
import type { QaAnswer } from '../../src-shared/contract/qa';
import { dicomUidSchema } from '../../src-shared/domain/studies';
import type { PixelRegion } from '../inference/pixels/region';
import { createServices, type Services } from '../services';
import { UsageError, type CliCommand, type CliIo } from './command';
import { cacheOption, modelsOption, parseCommandArgs } from './common-options';
import { runJsonLinesBatch } from './jsonl-batch';

const batchLineSchema = z
  .object({ image: z.string().min(1).optional(), instance: dicomUidSchema.optional(), frame: z.number().int().nonnegative().optional(), question: z.string().trim().min(1) })
  .refine((line) => (line.image === undefined) !== (line.instance === undefined), 'give exactly one of "image" or "instance"');

interface ImageOptions {
  window?: { center: number; width: number };
  roi?: PixelRegion;
}

function parseWindow(value: string | undefined): ImageOptions['window'] {
  if (value === undefined) return undefined;
  const [center, width, extra] = value.split(',').map(Number);
  if (extra !== undefined || !Number.isFinite(center) || !Number.isFinite(width) || width! <= 0) throw new UsageError(`qa: --window takes CENTER,WIDTH with a positive width, not "${value}".`);
  return { center: center!, width: width! };
}

function parseRoi(value: string | undefined): PixelRegion | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0) || parts[2] === 0 || parts[3] === 0) {
    throw new UsageError(`qa: --roi takes X,Y,WIDTH,HEIGHT in whole pixels (width and height above 0), not "${value}".`);
  }
  const [x, y, width, height] = parts as [number, number, number, number];
  return { x, y, width, height };
}

/** What `radstation qa --json` prints: the answer and where it came from, first, then the details. */
function printable(result: QaAnswer) {
  const { answer, source, confidence, abstained, reason, attributes, ...details } = result;
  return { answer, source, confidence, abstained, reason, attributes, ...details };
}

function sentence(result: QaAnswer): string {
  const confidence = result.confidence !== null ? ` (confidence ${Math.round(result.confidence * 100)}%)` : '';
  if (result.source === 'header') return `${result.answer} [from the header: ${result.attributes.join(', ')}]`;
  if (result.source === 'model') return `${result.answer}${confidence} [compact model; AI-generated, not for diagnosis] ${result.reason ?? ''}`.trim();
  return `No answer: ${result.reason ?? 'nothing could answer it.'}`;
}

async function answerOne(services: Services, target: { file?: string; instance?: string }, question: string, options: ImageOptions, frame = 0): Promise<QaAnswer> {
  if (target.instance) return services.qa.ask({ sopInstanceUid: target.instance, frame, question, ...options });
  return services.qa.askFile(target.file!, question, { ...options, frame });
}

async function runBatch(services: Services, batch: string, options: ImageOptions, io: CliIo): Promise<number> {
  return runJsonLinesBatch('qa', batch, batchLineSchema, io, async (parsed, batchDir) => {
    const target = parsed.image ? { file: path.resolve(batchDir, parsed.image) } : { instance: parsed.instance! };
    return printable(await answerOne(services, target, parsed.question, options, parsed.frame));
  });
}

export const qaCommand: CliCommand = {
  name: 'qa',
  summary: "Ask a question about an image: the header's facts first, then the compact model within its calibration",
  usage: `radstation qa (--file PATH | --instance UID) --question TEXT [--window C,W] [--roi X,Y,W,H] [--cache DIR] [--models DIR]... [--json]
       radstation qa --batch FILE.jsonl [--window C,W] [--roi X,Y,W,H] [--cache DIR] [--json]

Runs exactly the Report Q&A panel's route: facts the DICOM header records (modality, contrast,
plane, MR weighting, body part, laterality, age, sex, slice thickness, spacing, scanner…) are
answered from it; closed questions go to the compact model, which answers only question types it
was calibrated to answer at 95% precision, on images like its training data, and never against a
recorded fact; anything else needs the full model. PNG and JPEG images have no header.
  --file PATH        a DICOM, PNG or JPEG file
  --instance UID     SOP Instance UID of a cached image
  --question TEXT    the question
  --window C,W       window center and width for a DICOM slice (default: the file's, else its range)
  --roi X,Y,W,H      only this rectangle of the image is shown to the model
  --batch FILE       JSON lines of {"image": PATH} or {"instance": UID} with "question" (and "frame",
                     0-based, for a multi-frame image); image paths
                     are relative to the batch file; prints one answer line per input line
  --json             print {answer, source: "header"|"model"|"none", confidence, abstained, reason, attributes, …}`,
  async run(args, io) {
    const { values } = parseCommandArgs('qa', args, {
      ...cacheOption,
      ...modelsOption,
      file: { type: 'string' },
      instance: { type: 'string' },
      question: { type: 'string' },
      window: { type: 'string' },
      roi: { type: 'string' },
      batch: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    const window = parseWindow(values.window);
    const roi = parseRoi(values.roi);
    const options: ImageOptions = { ...(window ? { window } : {}), ...(roi ? { roi } : {}) };
    if (values.batch !== undefined) {
      if (values.file || values.instance || values.question) throw new UsageError('qa: --batch takes its images and questions from the file; leave out --file, --instance and --question.');
    } else {
      if ((values.file === undefined) === (values.instance === undefined)) throw new UsageError('qa: give exactly one of --file PATH or --instance UID (or --batch FILE.jsonl).');
      if (!values.question?.trim()) throw new UsageError('qa: --question TEXT is required.');
      if (values.instance !== undefined && !dicomUidSchema.safeParse(values.instance).success) throw new UsageError(`qa: "${values.instance}" is not a DICOM UID.`);
    }
    const services = createServices({ host: 'web', cacheDir: values.cache, modelDirs: values.models });
    try {
      if (values.batch !== undefined) return await runBatch(services, values.batch, options, io);
      const target = values.file ? { file: path.resolve(values.file) } : { instance: values.instance! };
      const result = await answerOne(services, target, values.question!, options);
      io.out(values.json ? JSON.stringify(printable(result)) : sentence(result));
      return 0;
    } finally {
      await services.close();
    }
  },
};
