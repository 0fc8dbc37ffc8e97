import fs from 'node:fs';
import type { DataSet } from 'dicom-parser';
import { ServiceError } from '../../../src-shared/contract/errors';
import type { QaAnswer } from '../../../src-shared/contract/qa';
import { contradiction, recordedFacts } from '../../reports/header-facts';
import { answerFromMetadata, type MetadataContext } from '../../reports/metadata-questions';
import type { InferenceService } from '../inference-service';
import type { PixelRegion } from '../pixels/region';
import { readDicomFile } from '../../dicom/read-file';
import { calibratedDecision, questionTypeOf, readVqaCalibration } from '../vqa/calibration';
import { loadDisplayedImage, type DisplayedImage } from '../vqa/displayed-image';
import { routeQuestion } from './question-form';

export const NEEDS_FULL_MODEL =
  'This is an open question: it needs the full model (a HealthGPT bundle, see docs/healthgpt.md). The compact model only answers closed questions (yes/no, modality, plane, organ) that it has been calibrated on.';
const NO_HEADER = 'This is a PNG or JPEG image: it has no DICOM header, so no recorded fact could answer it.';

export interface QaImageOptions {
  frame?: number;
  window?: { center: number; width: number };
  roi?: PixelRegion;
  /** The image exactly as the viewer shows it; made from the file when absent. */
  displayed?: DisplayedImage;
}

export interface QaServiceDeps {
  inference: Pick<InferenceService, 'askClosed' | 'resolveTask'>;
  /** A cached instance's file and header context (the report service's). */
  instanceContext(sopInstanceUid: string): { filePath: string; context: MetadataContext };
}

type Draft = Omit<QaAnswer, 'question'>;
const base: Draft = { answer: null, source: 'none', confidence: null, abstained: false, reason: null, attributes: [], route: 'closed', needsFullModel: false, questionType: null, outOfDistribution: null, model: null, window: null };

const isDicomFile = (filePath: string): boolean => {
  const head = Buffer.alloc(132);
  const fd = fs.openSync(filePath, 'r');
  try {
    fs.readSync(fd, head, 0, 132, 0);
  } finally {
    fs.closeSync(fd);
  }
  const png = head.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const jpeg = head[0] === 0xff && head[1] === 0xd8;
  return !png && !jpeg;
};

/**
 * The one route from a question to an answer, for the Report Q&A panel (qa.ask) and `radstation qa`:
 * 1. facts the DICOM header records (modality, contrast, plane, weighting, body part, laterality, age, sex,
 *    slice thickness, spacing, scanner…) are answered from it, naming the attributes;
 * 2. closed questions go to the compact model, which answers only within its calibration (per question
 *    type threshold, out-of-distribution limit) and never against a recorded fact;
 * 3. anything else needs the full model, and the answer says so.
 */
export function createQaService(deps: QaServiceDeps) {
  // The last image made from a file: a batch asks several questions about each image in turn.
  let lastImage: { key: string; image: Promise<DisplayedImage> } | undefined;
  const displayedImage = (filePath: string, options: QaImageOptions): Promise<DisplayedImage> => {
    if (options.displayed) return Promise.resolve(options.displayed);
    const key = JSON.stringify([filePath, fs.statSync(filePath).mtimeMs, options.frame ?? 0, options.window ?? null, options.roi ?? null]);
    if (lastImage?.key !== key) lastImage = { key, image: loadDisplayedImage(filePath, options) };
    return lastImage.image;
  };

  async function route(question: string, filePath: string, context: MetadataContext | undefined, options: QaImageOptions): Promise<QaAnswer> {
    const done = (draft: Partial<Draft>): QaAnswer => ({ question, ...base, ...draft });
    if (context) {
      const fromHeader = answerFromMetadata(question, context);
      if (fromHeader.answered) {
        return done({ source: 'header', route: 'metadata', answer: fromHeader.answer, attributes: fromHeader.basis, reason: `From the header: ${fromHeader.basis.join(', ')}.` });
      }
    }
    const headerNote = context ? '' : ` ${NO_HEADER}`;
    if (routeQuestion(question) === 'open') return done({ route: 'open', needsFullModel: true, reason: `${NEEDS_FULL_MODEL}${headerNote}` });

    let resolved: Awaited<ReturnType<typeof deps.inference.resolveTask<'vqa-closed'>>>;
    try {
      resolved = await deps.inference.resolveTask('vqa-closed', undefined, 'vqa-closed');
    } catch (error) {
      return done({ needsFullModel: true, reason: `No installed model answers closed questions: ${error instanceof Error ? error.message : String(error)}${headerNote}` });
    }
    const modality = context?.header.string('x00080060')?.trim();
    if (modality && !resolved.task.accepts.modalities.includes(modality)) {
      return done({ needsFullModel: true, reason: `The compact model was not trained on ${modality} images (it takes ${resolved.task.accepts.modalities.join(', ')}).` });
    }
    // A question type the model is not calibrated to answer is not put to it at all.
    const calibrationFile = resolved.task.vqa.calibrationFile;
    const calibration = calibrationFile ? readVqaCalibration(resolved.bundle.dir, calibrationFile) : undefined;
    const type = calibration ? questionTypeOf(calibration, question) : undefined;
    if (calibration && type && type.threshold === null) {
      const decision = calibratedDecision(type, 0, null, resolved.task.vqa.abstainBelow, calibration.targetPrecision);
      return done({ abstained: true, needsFullModel: true, questionType: type.id, reason: `${decision.reason ?? ''}${headerNote}` });
    }
    let image: DisplayedImage;
    try {
      image = await displayedImage(filePath, options);
    } catch (error) {
      lastImage = undefined;
      throw new ServiceError('invalid-request', `The image's pixels cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    const result = await deps.inference.askClosed({
      taskId: resolved.task.id,
      bundleId: resolved.bundle.manifest.id,
      provider: 'auto',
      question,
      image: { width: image.width, height: image.height, pixelsBase64: Buffer.from(image.pixels).toString('base64') },
    });
    const model = { bundleId: result.bundleId, name: result.bundleName, version: result.bundleVersion, provider: result.provider };
    const common = { confidence: result.confidence, model, questionType: result.questionType?.id ?? null, outOfDistribution: result.outOfDistribution, window: image.window ?? null };
    if (result.abstained) {
      // A type the model is not calibrated for gets no confidence either: a number would read as a hidden answer.
      const confidence = result.needsFullModel ? null : result.confidence;
      return done({ ...common, confidence, abstained: true, needsFullModel: result.needsFullModel, reason: `${result.abstainReason ?? 'The compact model abstains.'}${headerNote}` });
    }
    const conflict = context ? contradiction(recordedFacts(context.header), result.questionType?.id ?? '', result.answer) : undefined;
    if (conflict) {
      return done({ ...common, confidence: null, abstained: true, reason: `The recorded fact wins: ${conflict}, so the model's answer is not offered.` });
    }
    const threshold = result.questionType?.threshold;
    const calibrated = result.questionType && threshold !== null && threshold !== undefined ? ` It answers ${result.questionType.label} questions at ${Math.round(threshold * 100)}% confidence or more, the threshold calibrated on its validation split.` : '';
    const unknown = result.unknownWords.length > 0 ? ` It has never seen the words: ${result.unknownWords.join(', ')}.` : '';
    return done({ ...common, source: 'model', answer: result.answer, reason: `Answered by the compact model (AI-generated, not for diagnosis).${calibrated}${unknown}${headerNote}` });
  }

  return {
    /** A question about a cached instance (the panel's path). */
    async ask(request: { sopInstanceUid: string; frame: number; question: string; window?: { center: number; width: number }; roi?: PixelRegion; image?: { width: number; height: number; pixelsBase64: string } }): Promise<QaAnswer> {
      const { filePath, context } = deps.instanceContext(request.sopInstanceUid);
      const displayed = request.image ? { width: request.image.width, height: request.image.height, pixels: new Uint8Array(Buffer.from(request.image.pixelsBase64, 'base64')), ...(request.window ? { window: request.window } : {}) } : undefined;
      return route(request.question, filePath, context, { frame: request.frame, ...(request.window ? { window: request.window } : {}), ...(request.roi ? { roi: request.roi } : {}), ...(displayed ? { displayed } : {}) });
    },

    /** A question about a file outside the cache (the CLI's --file): a DICOM file's header is read; PNG and JPEG have none. */
    async askFile(filePath: string, question: string, options: QaImageOptions = {}): Promise<QaAnswer> {
      if (!fs.existsSync(filePath)) throw new ServiceError('not-found', `There is no file ${filePath}.`);
      if (!isDicomFile(filePath)) return route(question, filePath, undefined, options);
      let header: DataSet;
      try {
        header = readDicomFile(new Uint8Array(fs.readFileSync(filePath))).dataSet;
      } catch (error) {
        throw new ServiceError('invalid-request', `${filePath} is not a readable DICOM, PNG or JPEG file: ${error instanceof Error ? error.message : String(error)}`);
      }
      const context: MetadataContext = { header, seriesInstanceCount: 1, otherStudies: [], studyDate: header.string('x00080020')?.trim() ?? '' };
      return route(question, filePath, context, options);
    },
  };
}
export type QaService = ReturnType<typeof createQaService>;
