import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { z } from 'zod';
import type { ProviderChoice } from '../../src-shared/contract/inference';
import { loadDisplayedImage } from '../inference/vqa/displayed-image';
import type { Services } from '../services';
import { UsageError, type CliIo } from './command';

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

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
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
    const batchPath = path.resolve(options.batch);
    if (!fs.existsSync(batchPath)) throw new UsageError(`infer: the batch file ${batchPath} does not exist.`);
    const lines = readline.createInterface({ input: fs.createReadStream(batchPath), crlfDelay: Infinity });
    let failures = 0;
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      try {
        const parsed = batchLineSchema.parse(JSON.parse(line));
        io.out(JSON.stringify(await answerOne(services, selection, path.resolve(path.dirname(batchPath), parsed.image), parsed.question)));
      } catch (error) {
        failures += 1;
        io.out(JSON.stringify({ error: `line ${lineNumber}: ${message(error)}` }));
      }
    }
    return failures === 0 ? 0 : 1;
  }
  if (!options.file || !options.question) throw new UsageError('infer: a closed question needs --file IMAGE and --question TEXT (or --batch FILE.jsonl).');
  const result = await answerOne(services, selection, path.resolve(options.file), options.question);
  if (options.json) io.out(JSON.stringify(result));
  else io.out(`${result.abstained ? 'Not sure (abstained); best guess' : 'Answer'}: ${result.answer} (confidence ${(result.confidence * 100).toFixed(0)}%, ${result.bundle} ${result.bundleVersion} on ${result.provider}; AI-generated, not for diagnosis)`);
  return 0;
}
