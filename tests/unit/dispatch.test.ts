import { describe, expect, it } from 'vitest';
import { calls, ServiceError } from '../../src-shared/contract';
import { dispatch, type CallHandlers } from '../../src-main/dispatch';

const context = { host: 'web', client: 'test' } as const;

/** Every call in the contract, failing if used, so new calls need no edit here. */
const unusedHandlers = Object.fromEntries(
  Object.keys(calls).map((name) => [
    name,
    () => {
      throw new Error(`${name} is not used here`);
    },
  ]),
) as unknown as CallHandlers;

function handlers(overrides: Partial<CallHandlers> = {}): CallHandlers {
  return {
    ...unusedHandlers,
    'app.ping': (request) => ({ sentAt: request.sentAt, answeredAt: 42 }),
    'studies.list': (request) => {
      // The dispatcher hands over the parsed request, defaults applied.
      expect(request.sortBy).toBe('studyDate');
      return { studies: [] };
    },
    'viewer.study': () => {
      throw new Error('not used here');
    },
    'viewer.measurements.list': () => ({ measurements: [] }),
    'viewer.measurements.save': () => ({ saved: 0 }),
    'imports.start': () => {
      throw new Error('not used here');
    },
    'imports.cancel': () => ({ cancelled: false }),
    ...overrides,
  };
}

describe('dispatch', () => {
  it('runs a valid call and wraps the value', async () => {
    await expect(dispatch(handlers(), 'app.ping', { sentAt: 7 }, context)).resolves.toEqual({ ok: true, value: { sentAt: 7, answeredAt: 42 } });
  });

  it('applies schema defaults before the service sees the request', async () => {
    await expect(dispatch(handlers(), 'studies.list', {}, context)).resolves.toEqual({ ok: true, value: { studies: [] } });
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
});
