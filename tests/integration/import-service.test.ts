import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../src-shared/contract';
import { events as eventSchemas } from '../../src-shared/contract';
import { dispatch } from '../../src-main/dispatch';
import { createServices, type Services } from '../../src-main/services';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
// The desktop app names paths on its own machine; a browser client of the web host may not (see dispatch.test.ts).
const context = { host: 'electron', client: 'test', role: 'owner' } as const;
let services: Services | undefined;
afterAll(async () => {
  await services?.close();
  temp.cleanup();
});

function record(target: Services) {
  const seen: Array<{ name: EventName; payload: unknown }> = [];
  target.events.subscribe((name, payload) => {
    // Every event must match its contract schema, as the renderer will check.
    eventSchemas[name].payload.parse(payload);
    seen.push({ name, payload });
  });
  return seen;
}

describe('the import service (worker thread)', () => {
  it('imports through imports.start, with progress, studies.changed and a finished report', async () => {
    services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache') });
    const seen = record(services);
    const series = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
    const started = await dispatch(services.handlers, 'imports.start', { paths: [series] }, context);
    expect(started.ok).toBe(true);
    const { importId } = (started as { ok: true; value: { importId: string } }).value;
    const finished = await services.imports.whenFinished(importId);
    expect(finished?.status).toBe('completed');
    expect(finished?.report).toMatchObject({ files: 28, instances: 28, studies: 1, series: 1, failed: [] });

    const progress = seen.filter((event) => event.name === 'imports.progress').map((event) => event.payload as { filesDone: number; filesTotal: number | null });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ filesDone: 28, filesTotal: 28 });
    const changed = seen.filter((event) => event.name === 'studies.changed');
    expect(changed.length).toBeGreaterThan(0);
    const finishedEvents = seen.filter((event) => event.name === 'imports.finished');
    expect(finishedEvents).toHaveLength(1);
    expect(finishedEvents[0]!.payload).toEqual(finished);
    // The study is visible to the query side at once.
    expect(services.studies.list({}).map((study) => study.instanceCount)).toEqual([28]);
  });

  it('cancels an import, keeping exactly what it committed', async () => {
    const target = services!;
    const seen = record(target);
    const series = sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens');
    const { importId } = target.imports.start({ paths: [series], mode: 'link' });
    expect(target.imports.cancel(importId)).toEqual({ cancelled: true });
    const finished = await target.imports.whenFinished(importId);
    expect(finished?.status).toBe('cancelled');
    expect(finished!.report.instances).toBeLessThan(176);
    const mr = target.studies.list({ modality: 'MR' });
    expect(mr.reduce((sum, study) => sum + study.instanceCount, 0)).toBe(finished!.report.instances);
    expect(seen.some((event) => event.name === 'imports.finished')).toBe(true);
    expect(target.imports.cancel(importId)).toEqual({ cancelled: false });
  });

  it('answers a start with bad paths with a report, never a crash', async () => {
    const target = services!;
    const { importId } = target.imports.start({ paths: [path.join(temp.dir, 'nothing-here')], mode: 'copy' });
    const finished = await target.imports.whenFinished(importId);
    expect(finished?.status).toBe('completed');
    expect(finished?.report.failed).toEqual([{ path: path.join(temp.dir, 'nothing-here'), reason: 'no such file or folder' }]);
  });
});
