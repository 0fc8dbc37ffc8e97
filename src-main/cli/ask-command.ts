import path from 'node:path';
import { providerChoices } from '../../src-shared/contract/inference';
import { readDicomSlice } from '../inference/vlm/dicom-slice';
import { VlmSession } from '../inference/vlm/vlm-session';
import { UsageError, type CliCommand } from './command';
import { providerSettingFromEnv } from '../inference/inference-wiring';
import { parseCommandArgs, parseProviderOption } from './common-options';

function numbers(option: string, value: string | undefined, count: number): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map(Number);
  if (parts.length !== count || parts.some((n) => !Number.isFinite(n))) throw new UsageError(`--${option} takes ${count} comma-separated numbers, not "${value}".`);
  return parts;
}

/** Asks a vision-language bundle (HealthGPT) about a DICOM slice from the command line, streaming the answer. */
export const askCommand: CliCommand = {
  name: 'ask',
  summary: 'Ask a vision-language model bundle about a DICOM slice (AI-generated, not for diagnosis)',
  usage: `radstation ask --bundle DIR --question TEXT [--dicom FILE] [--window CENTER,WIDTH] [--roi X,Y,W,H] [--max-tokens N]
                      [--threads N] [--provider ${providerChoices.join('|')}] [--json]
  --provider P   the execution provider, as for 'radstation infer' (default auto; RADSTATION_PROVIDER too); one that
                 cannot open the bundle falls back down the order to the CPU, and the answer says which one ran it`,
  async run(args, io) {
    const { values } = parseCommandArgs('ask', args, {
      bundle: { type: 'string' }, question: { type: 'string' }, dicom: { type: 'string' }, window: { type: 'string' },
      roi: { type: 'string' }, 'max-tokens': { type: 'string' }, threads: { type: 'string' }, provider: { type: 'string' }, json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    if (!values.bundle || !values.question) throw new UsageError(`ask needs --bundle and --question. Usage: ${this.usage}`);
    const window = numbers('window', values.window, 2);
    const roi = numbers('roi', values.roi, 4);
    const maxTokens = values['max-tokens'] === undefined ? undefined : Number(values['max-tokens']);
    if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) throw new UsageError('--max-tokens must be a positive whole number.');
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    // The same setting as the app's: --provider, else RADSTATION_PROVIDER, else auto.
    const provider = parseProviderOption(values.provider) ?? providerSettingFromEnv() ?? 'auto';
    const slice = values.dicom ? await readDicomSlice(values.dicom, window ? { center: window[0] ?? 0, width: window[1] ?? 1 } : undefined) : undefined;
    const session = await VlmSession.open(path.resolve(values.bundle), { provider, ...(threads ? { intraOpNumThreads: threads } : {}) });
    try {
      let streamed = '';
      const answer = await session.ask({
        question: values.question,
        ...(slice ? { image: slice.image } : {}),
        ...(roi ? { roi: { x: roi[0] ?? 0, y: roi[1] ?? 0, width: roi[2] ?? 1, height: roi[3] ?? 1 } } : {}),
        ...(maxTokens ? { maxNewTokens: maxTokens } : {}),
        onToken: values.json ? undefined : (e) => {
          streamed += e.text;
          process.stdout.write(e.text);
        },
      });
      if (values.json) {
        io.out(JSON.stringify({
          answer: answer.text, tokens: answer.tokenIds.length, stopReason: answer.stopReason, promptTokens: answer.promptTokens, timings: answer.timings,
          window: slice?.window, provider: session.provider, fallbacks: session.fallbacks, aiGenerated: true,
        }));
      } else {
        if (!streamed.endsWith('\n')) io.out(''); // end the streamed line
        for (const fallback of session.fallbacks) io.err(`provider ${fallback.provider} unavailable: ${fallback.reason}`);
        io.err(`[AI-generated, not for diagnosis; ${answer.tokenIds.length} tokens, ${answer.stopReason}, on ${session.provider}]`);
      }
      return 0;
    } finally {
      await session.close();
    }
  },
};
