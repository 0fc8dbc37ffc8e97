import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch, type CallHandlers } from '../../src-main/dispatch';
import { runImport } from '../../src-main/studies/import/run-import';
import { createStudyService, type StudyService } from '../../src-main/studies/study-service';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
const cacheDir = path.join(temp.dir, 'cache');
let studies: StudyService;

beforeAll(async () => {
  await runImport({ importId: 'seed', cacheDir, paths: [sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm')], mode: 'link' });
  studies = createStudyService(cacheDir);
});
afterAll(() => {
  studies.close();
  temp.cleanup();
});

/** Only studies.list is wired, to the real study service over a real cache. */
const handlers = new Proxy({ 'studies.list': (request: Parameters<StudyService['list']>[0]) => ({ studies: studies.list(request) }) }, {
  get: (target, name) => (target as Record<string | symbol, unknown>)[name] ?? (() => { throw new Error('not wired here'); }),
}) as unknown as CallHandlers;

describe('studies.list with control characters', () => {
  it.each([
    ['a NUL', 'abc\u0000def'],
    ['a lone NUL', '\u0000'],
    ['an escape', 'x\u001b[31m'],
    ['a DEL', 'ct\u007f'],
  ])('refuses text with %s as an invalid request, logging nothing', async (_label, text) => {
    const logged: string[] = [];
    const envelope = await dispatch(handlers, 'studies.list', { text }, { host: 'web', client: 'test', role: 'owner' }, (line) => logged.push(line));
    expect(envelope.ok).toBe(false);
    if (envelope.ok) return;
    expect(envelope.error.code).toBe('invalid-request');
    expect(envelope.error.issues?.[0]?.path).toBe('text');
    expect(envelope.error.issues?.[0]?.message).toMatch(/control character/);
    expect(logged).toEqual([]);
  });

  it('refuses a control character in the modality the same way', async () => {
    const envelope = await dispatch(handlers, 'studies.list', { modality: 'C\u0000T' }, { host: 'web', client: 'test', role: 'owner' }, () => {});
    expect(envelope.ok ? undefined : envelope.error.code).toBe('invalid-request');
  });

  it('still finds studies by plain text', async () => {
    const envelope = await dispatch(handlers, 'studies.list', { text: 'CompressedSamples' }, { host: 'web', client: 'test', role: 'owner' }, () => {});
    expect(envelope.ok).toBe(true);
  });

  it('the study service itself never hands SQLite a control character (the CLI calls it directly)', () => {
    expect(() => studies.list({ text: 'abc\u0000def' })).not.toThrow();
  });
});
