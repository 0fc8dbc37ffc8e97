import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src-shared/contract';
import { dispatch, type CallHandlers } from '../../src-main/dispatch';

const context = { host: 'web', client: 'test', role: 'owner' } as const;

/**
 * The handlers these tests use; any other call fails loudly if reached. Filling the rest
 * this way keeps the test from changing every time the contract gains a call.
 */
function handlers(overrides: Partial<CallHandlers> = {}): CallHandlers {
  const used: Partial<CallHandlers> = {
    'app.about': () => {
      throw new Error('not used here');
    },
    'app.ping': (request) => ({ sentAt: request.sentAt, answeredAt: 42 }),
    'studies.list': (request) => {
      // The dispatcher hands over the parsed request, defaults applied.
      expect(request.sortBy).toBe('studyDate');
      return { studies: [], total: 0 };
    },
    ...overrides,
  };
  const unexpected = (): never => {
    throw new Error('this call is not part of the dispatch tests');
  };
  return new Proxy(used, { get: (target, name) => (target as Record<string | symbol, unknown>)[name] ?? unexpected }) as CallHandlers;
}

describe('dispatch', () => {
  it('runs a valid call and wraps the value', async () => {
    await expect(dispatch(handlers(), 'app.ping', { sentAt: 7 }, context)).resolves.toEqual({ ok: true, value: { sentAt: 7, answeredAt: 42 } });
  });

  it('applies schema defaults before the service sees the request', async () => {
    await expect(dispatch(handlers(), 'studies.list', {}, context)).resolves.toEqual({ ok: true, value: { studies: [], total: 0 } });
  });

  it('refuses an unknown call by name', async () => {
    const result = await dispatch(handlers(), 'app.formatDisk', {}, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
  });

  it('refuses an invalid payload and says which field', async () => {
    const result = await dispatch(handlers(), 'app.ping', { sentAt: 'yesterday' }, context);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-request');
    expect(result.error.issues?.map((issue) => issue.path)).toEqual(['sentAt']);
  });

  it('refuses study filters that are not DICOM dates', async () => {
    const result = await dispatch(handlers(), 'studies.list', { from: '2024-01-01' }, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('turns a service error into its code, and anything else into internal, without throwing', async () => {
    const failing = handlers({
      'app.ping': () => {
        throw new ServiceError('not-found', 'Nothing here.');
      },
      'app.about': () => {
        throw new TypeError('boom');
      },
    });
    await expect(dispatch(failing, 'app.ping', { sentAt: 1 }, context)).resolves.toEqual({ ok: false, error: { code: 'not-found', message: 'Nothing here.' } });
    const logged: string[] = [];
    const result = await dispatch(failing, 'app.about', {}, context, (line) => logged.push(line));
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: 'app.about failed: boom' } });
    expect(logged[0]).toContain('TypeError: boom');
  });

  /** A value nested `depth` arrays deep, built without recursion. */
  function nestedArrays(depth: number): unknown {
    let value: unknown = 'bottom';
    for (let level = 0; level < depth; level += 1) value = [value];
    return value;
  }

  it.each([
    ['nested 1,200 levels deep', () => ({ sentAt: 1, answeredAt: nestedArrays(1_200) })],
    ['nested 100,000 levels deep (JSON.stringify overflows the stack)', () => ({ sentAt: 1, answeredAt: nestedArrays(100_000) })],
    ['holding a BigInt', () => ({ sentAt: 1, answeredAt: 10n })],
  ])('answers a reply that cannot be sent (%s) with an error envelope that can', async (_label, reply) => {
    const logged: string[] = [];
    const result = await dispatch(handlers({ 'app.ping': reply as unknown as CallHandlers['app.ping'] }), 'app.ping', { sentAt: 1 }, context, (line) => logged.push(line));
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/^The reply to app\.ping could not be sent: /) } });
    expect(() => JSON.stringify(result)).not.toThrow();
    expect(logged).toHaveLength(1);
  });

  it('sends a deep but legitimate reply (a tag tree 32 sequences deep) unchanged', async () => {
    const deepTags = nestedArrays(32 * 3);
    const result = await dispatch(handlers({ 'app.ping': (() => ({ sentAt: 1, answeredAt: deepTags })) as unknown as CallHandlers['app.ping'] }), 'app.ping', { sentAt: 1 }, context);
    expect(result).toEqual({ ok: true, value: { sentAt: 1, answeredAt: deepTags } });
  });

  it('refuses host paths to import from a browser client before the import service sees them, and lets the desktop app name them', async () => {
    const started: unknown[] = [];
    const importing = handlers({
      'imports.start': (request) => {
        started.push(request.paths);
        return { importId: 'i-1' };
      },
    });
    const fromBrowser = await dispatch(importing, 'imports.start', { paths: ['/etc'] }, { host: 'web', client: 'socket-1', role: 'owner' });
    expect(fromBrowser).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/upload/i) } });
    expect(started).toEqual([]);
    const fromDesktop = await dispatch(importing, 'imports.start', { paths: ['/media/cdrom'] }, { host: 'electron', client: 'window-1', role: 'owner' });
    expect(fromDesktop).toEqual({ ok: true, value: { importId: 'i-1' } });
    expect(started).toEqual([['/media/cdrom']]);
  });
});

describe('roles', () => {
  it('refuses a call whose contract entry does not list the caller role, before the handler runs', async () => {
    let reached = false;
    const deleting = handlers({
      'studies.delete': () => {
        reached = true;
        return { studyInstanceUid: '1.2', deletedFiles: 0, keptLinkedFiles: 0 } as never;
      },
    });
    const asStudent = await dispatch(deleting, 'studies.delete', { studyInstanceUid: '1.2' }, { host: 'web', client: 's', role: 'student' });
    expect(asStudent).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(reached).toBe(false);
  });

  it('lets a role the contract lists through', async () => {
    await expect(dispatch(handlers(), 'app.ping', { sentAt: 1 }, { host: 'web', client: 's', role: 'student' })).resolves.toMatchObject({ ok: true });
  });
});
