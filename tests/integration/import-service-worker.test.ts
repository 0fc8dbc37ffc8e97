import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../src-shared/contract';
import { createServices } from '../../src-main/services';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir('radstation-import-worker-');
afterAll(() => temp.cleanup());

describe('import service', () => {
  it('imports in its worker thread, streaming progress, then reports and announces the study', async () => {
    const services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache'), userDataDir: path.join(temp.dir, 'user') });
    const seen: EventName[] = [];
    let lastProgress = { filesDone: 0, filesTotal: null as number | null };
    services.events.subscribe((name, payload) => {
      seen.push(name);
      if (name === 'imports.progress') lastProgress = payload as typeof lastProgress;
    });
    try {
      const folder = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
      const { importId } = services.imports.start({ paths: [folder], mode: 'link' });
      const finished = await services.imports.whenFinished(importId);
      expect(finished?.message ?? finished?.status).toBe('completed');
      expect(finished?.report).toMatchObject({ files: 28, instances: 28, studies: 1, series: 1, failed: [] });
      expect(lastProgress.filesTotal).toBe(28);
      expect(seen).toContain('imports.progress');
      expect(seen).toContain('studies.changed');
      expect(seen.at(-1)).toBe('imports.finished');
      expect(services.studies.list({}).map((study) => study.instanceCount)).toEqual([28]);
    } finally {
      await services.close();
    }
  });
});
