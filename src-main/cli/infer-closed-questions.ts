import path from 'node:path';
import { z } from 'zod';
import type { ProviderChoice } from '../../src-shared/contract/inference';
import { loadDisplayedImage } from '../inference/vqa/displayed-image';
import type { Services } from '../services';
import { UsageError, type CliIo } from './command';
import { runJsonLinesBatch } from './jsonl-batch';

const batchLineSchema = z.object({ image: z.string().min(1), question: z.string().min(1) });

interface Selection {
  taskId: string;
  bundleId?: string;
  provider: ProviderChoice;
}

async function answerOne(services: Services, selection: Selection, imagePath: string, question: string) {
  const image = await loadDisplayedImage(imagePath);
  const answer = await services.inference.askClosed({
    taskId: selection.taskId,
    provider: selection.provider,
    question,
    image: { width: image.width, height: image.height, pixelsBase64: Buffer.from(image.pixels).toString('base64') },
    ...(selection.bundleId ? { bundleId: selection.bundleId } : {}),
  });
  return {
    answer: answer.answer,
    confidence: answer.confidence,
    abstained: answer.abstained,
    bundle: answer.bundleId,
    bundleVersion: answer.bundleVersion,
    provider: answer.provider,
  };
}

/**
 * `infer --task vqa-closed --file IMAGE --question TEXT`, or `--batch FILE.jsonl` with one
 * {"image", "question"} per line (image paths relative to the batch file). A batch prints
 * one result line per input line, in order; a line that fails prints {"error"} and the
 * rest go on, so a whole test split runs in one process.
 */
export async function runClosedQuestions(
  services: Services,
  selection: Selection,
  options: { file?: string; question?: string; batch?: string; json: boolean },
  io: CliIo,
): Promise<number> {
  if (options.batch) {
    if (options.file || options.question) throw new UsageError('infer: --batch takes its images and questions from the file; leave out --file and --question.');
    return runJsonLinesBatch('infer', options.batch, batchLineSchema, io, (parsed, batchDir) => answerOne(services, selection, path.resolve(batchDir, parsed.image), parsed.question));
  }
  if (!options.file || !options.question) throw new UsageError('infer: a closed question needs --file IMAGE and --question TEXT (or --batch FILE.jsonl).');
  const result = await answerOne(services, selection, path.resolve(options.file), options.question);
  if (options.json) io.out(JSON.stringify(result));
  else io.out(`${result.abstained ? 'Not sure (abstained); best guess' : 'Answer'}: ${result.answer} (confidence ${(result.confidence * 100).toFixed(0)}%, ${result.bundle} ${result.bundleVersion} on ${result.provider}; AI-generated, not for diagnosis)`);
  return 0;
}
