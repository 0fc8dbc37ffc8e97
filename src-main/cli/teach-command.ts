import fs from 'node:fs';
import path from 'node:path';
import { deidentifyOptionNames, teachingStartRequestSchema } from '../../src-shared/contract';
import { isLoopbackHost } from '../host/host-server';
import { rendererDir } from '../platform/app-root';
import { createServices } from '../services';
import { UsageError, type CliCommand } from './command';
import { cacheOption, modelsOption, parseCommandArgs, parsePort } from './common-options';

export const teachCommand: CliCommand = {
  name: 'teach',
  summary: 'Run a teaching session: chosen studies, de-identified, served to a classroom',
  usage: `radstation teach --study UID... [--host ADDRESS] [--port N] [--cache DIR] [--option NAME]...
                 [--allow-student-ai] [--minutes N] [--models DIR]...

De-identifies the chosen cached studies (DICOM PS3.15 Basic Profile, plus the options
named) into a session store of their own under <cache>/teaching/, and serves only that
store to a classroom. Prints the teacher's one-time link (keep it to yourself), the
student link and the session code, and runs until Ctrl+C or the session ends.
  --study UID           a cached study to teach with; repeatable
  --option NAME         a de-identification option (${deidentifyOptionNames.join(', ')}); repeatable
  --allow-student-ai    let students run AI previews and questions (nothing is saved)
  --minutes N           the session ends by itself after N minutes (default 180)
  --host ADDRESS        address to listen on (default 127.0.0.1; 0.0.0.0 for a classroom LAN)
  --port N              port to listen on (default: a free one)
  --cache DIR           study cache folder (default: RADSTATION_CACHE, then the app's user-data folder)
  --models DIR          extra model bundle folder; repeatable (also RADSTATION_MODELS)`,
  async run(args, io) {
    const { values } = parseCommandArgs('teach', args, {
      ...cacheOption,
      ...modelsOption,
      study: { type: 'string', multiple: true },
      option: { type: 'string', multiple: true },
      'allow-student-ai': { type: 'boolean' },
      minutes: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
    });
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    // Every argument is checked before anything starts, so a typo leaves nothing half-made.
    const minutes = values.minutes === undefined ? undefined : Number(values.minutes);
    const parsed = teachingStartRequestSchema.safeParse({
      studyInstanceUids: values.study ?? [],
      options: values.option ?? [],
      allowStudentAi: values['allow-student-ai'] ?? false,
      ...(minutes !== undefined ? { durationMinutes: minutes } : {}),
      host: values.host ?? '127.0.0.1',
      port: parsePort(values.port),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = { studyInstanceUids: '--study', options: '--option', durationMinutes: '--minutes', host: '--host' }[String(issue.path[0])] ?? String(issue.path[0]);
      throw new UsageError(`teach: ${field}: ${issue.message}. See 'radstation teach --help'.`);
    }
    const renderer = rendererDir();
    if (!fs.existsSync(path.join(renderer, 'index.html'))) {
      throw new UsageError(`the renderer is not built (${renderer} has no index.html); run 'npm run build' first.`);
    }
    const services = createServices({ host: 'web', cacheDir: values.cache, modelDirs: values.models });
    try {
      io.err(`De-identifying ${parsed.data.studyInstanceUids.length} stud${parsed.data.studyInstanceUids.length === 1 ? 'y' : 'ies'} into a session store…`);
      const links = await services.teaching.start(parsed.data);
      const host = parsed.data.host ?? '127.0.0.1';
      if (!isLoopbackHost(host)) io.err(`Warning: listening on ${host}; anyone on that network with the student link can join as a student.`);
      io.out(`Session: ${links.sessionId} (ends ${new Date(links.endsAt).toISOString()})`);
      io.out(`Teacher link (works once, keep it to yourself): ${links.teacherUrl}`);
      io.out(`Student link: ${links.studentUrl}`);
      io.out(`Session code: ${links.sessionCode}`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        services.events.subscribe((name) => {
          if (name === 'teaching.ended') stop();
        });
      });
      io.out('The session has ended; its links are dead.');
      return 0;
    } finally {
      await services.close();
    }
  },
};
