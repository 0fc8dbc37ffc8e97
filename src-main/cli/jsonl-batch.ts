import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { z } from 'zod';
import { UsageError, type CliIo } from './command';

function firstLineOf(error: unknown): string {
  if (error instanceof z.ZodError) return error.issues.map((issue) => issue.message).join('; ');
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/**
 * Runs a JSON-lines batch file for a command: each non-empty line is checked against `schema`
 * and handed to `answer` (with the batch file's folder, against which relative image paths
 * resolve), and what it returns is printed as one JSON line, in order. A line that fails prints
 * {"error": "line N: why"} and the rest go on, so a whole test split runs in one process.
 * Returns the exit status: 1 when any line failed.
 */
export async function runJsonLinesBatch<Line>(
  command: string,
  batch: string,
  schema: z.ZodType<Line>,
  io: CliIo,
  answer: (line: Line, batchDir: string) => Promise<unknown>,
): Promise<number> {
  const batchPath = path.resolve(batch);
  if (!fs.existsSync(batchPath)) throw new UsageError(`${command}: the batch file ${batchPath} does not exist.`);
  const lines = readline.createInterface({ input: fs.createReadStream(batchPath), crlfDelay: Infinity });
  let failures = 0;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    try {
      io.out(JSON.stringify(await answer(schema.parse(JSON.parse(line)), path.dirname(batchPath))));
    } catch (error) {
      failures += 1;
      io.out(JSON.stringify({ error: `line ${lineNumber}: ${firstLineOf(error)}` }));
    }
  }
  return failures === 0 ? 0 : 1;
}
