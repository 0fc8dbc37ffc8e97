import path from 'node:path';
import { providerChoices, type ProviderChoice } from '../../src-shared/contract/inference';
import { createServices } from '../services';
import { UsageError, type CliCommand } from './command';
import { cacheOption, modelsOption, parseCommandArgs, parseProviderOption } from './common-options';
import { runClosedQuestions } from './infer-closed-questions';


function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not "${value}".`);
  return seconds;
}

export const inferCommand: CliCommand = {
  name: 'infer',
  summary: 'Run a model task on a cached series or a DICOM file, writing a derived series',
  usage: `radstation infer --task TASK (--series UID | --file PATH) [--bundle ID] [--provider P]
       radstation infer --task vqa-closed (--file IMAGE --question TEXT | --batch FILE.jsonl) [--json]
                 [--cache DIR] [--models DIR]... [--timeout SECONDS] [--json]

Runs TASK on every slice and writes an AI-labelled derived DICOM series. With
--series the source comes from the cache and the result is added to it; with --file
the result is written under the cache's derived/ folder only.
  --task TASK        task ID (see 'radstation models')
  --series UID       Series Instance UID of a cached series
  --file PATH        one DICOM file (every frame)
  --bundle ID        which bundle provides the task (default: the first valid one)
  --provider P       ${providerChoices.join('|')} (default auto; RADSTATION_PROVIDER too);
                     a provider that cannot start falls back to the next, ending on cpu
  --cache DIR        study cache folder
  --models DIR       extra model bundle folder; repeatable
  --timeout SECONDS  stop the job after this long (default 3600)
  --question TEXT    closed question about --file (a DICOM, PNG or JPEG image), for vqa-closed
  --batch FILE       JSON lines of {"image", "question"}; prints one answer line per input line
  --json             print {task, bundle, provider, seconds, seriesInstanceUID, outputs, warnings,
                     bicubicPreferred} (warnings: how the input differs from the training data),
                     or {answer, confidence, abstained, …} for a closed question`,
  async run(args, io) {
    const { values } = parseCommandArgs('infer', args, {
      ...cacheOption,
      ...modelsOption,
      task: { type: 'string' },
      series: { type: 'string' },
      file: { type: 'string' },
      bundle: { type: 'string' },
      provider: { type: 'string' },
      timeout: { type: 'string' },
      question: { type: 'string' },
      batch: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    if (!values.task) throw new UsageError("infer: --task is required. See 'radstation infer --help'.");
    const provider: ProviderChoice = parseProviderOption(values.provider) ?? 'auto';
    if (values.question !== undefined || values.batch !== undefined) {
      const services = createServices({ host: 'web', cacheDir: values.cache, modelDirs: values.models });
      try {
        const selection = { taskId: values.task, provider, ...(values.bundle ? { bundleId: values.bundle } : {}) };
        return await runClosedQuestions(services, selection, { ...values, json: values.json ?? false }, io);
      } finally {
        await services.close();
      }
    }
    if ((values.series === undefined) === (values.file === undefined)) throw new UsageError('infer: give exactly one of --series UID or --file PATH.');
    const timeoutSeconds = parseTimeout(values.timeout);
    const services = createServices({ host: 'web', cacheDir: values.cache, modelDirs: values.models });
    const selection = { taskId: values.task, provider, ...(values.bundle ? { bundleId: values.bundle } : {}) };
    const unsubscribe = services.events.subscribe((name, payload) => {
      if (name !== 'inference.progress' || values.json) return;
      const progress = payload as { slicesDone: number; slicesTotal: number };
      io.err(`slice ${progress.slicesDone}/${progress.slicesTotal}`);
    });
    let jobId: string | undefined;
    const onSignal = (): void => {
      if (jobId) services.inference.cancel(jobId);
    };
    process.once('SIGINT', onSignal);
    try {
      const job = values.series
        ? await services.inference.runSeries({ ...selection, seriesInstanceUid: values.series, ...(timeoutSeconds ? { timeoutSeconds } : {}) })
        : await services.inference.runFile(selection, path.resolve(values.file!), timeoutSeconds ? { timeoutSeconds } : {});
      jobId = job.jobId;
      const outcome = await job.done;
      if (outcome.status !== 'completed' || !outcome.result) {
        io.err(`radstation: infer ${outcome.status}: ${outcome.error?.message ?? 'no result'}`);
        return outcome.status === 'cancelled' ? 130 : 1;
      }
      const result = outcome.result;
      const printed = {
        task: result.taskId,
        bundle: result.bundleId,
        bundleVersion: result.bundleVersion,
        provider: result.provider,
        fallbacks: result.fallbacks,
        seconds: result.seconds,
        seriesInstanceUID: result.seriesInstanceUid,
        outputs: result.outputs,
        // How the input compares with the model's training data; the result is to be read with these in mind.
        warnings: job.domain.warnings,
        bicubicPreferred: job.domain.bicubicPreferred,
      };
      if (values.json) io.out(JSON.stringify(printed));
      else {
        for (const fallback of result.fallbacks) io.err(`provider ${fallback.provider} unavailable: ${fallback.reason}`);
        for (const warning of job.domain.warnings) io.err(`warning: ${warning}`);
        if (job.domain.bicubicPreferred) io.err(`warning: ${job.domain.bicubicPreferred}`);
        io.out(`${result.taskId} (${result.bundleId} ${result.bundleVersion}) ran on ${result.provider} in ${result.seconds.toFixed(1)} s`);
        // Once added to the cache, the files sit in its content-addressed store, spread over folders.
        const folders = new Set(result.outputs.map((output) => path.dirname(output)));
        const where = folders.size === 1 ? `in ${[...folders][0]}` : `in the cache's store (${services.dirs.cacheDir})`;
        io.out(`derived series ${result.seriesInstanceUid}: ${result.outputs.length} file${result.outputs.length === 1 ? '' : 's'} ${where}`);
      }
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      unsubscribe();
      await services.close();
    }
  },
};
