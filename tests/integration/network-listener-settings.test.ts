import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/dispatch';
import { createServices } from '../../src-main/services';
import { freePort } from '../helpers/pacs-peers';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The listener through the contract, as the Network view uses it: not running unless the settings
 * ask, started and stopped by configureListener, owner only. Real services, real sockets.
 */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('network.listener and network.configureListener', () => {
  const temp = makeTempDir();
  const services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache') });
  const owner = { host: 'web', client: 'test', role: 'owner' } as const;
  afterAll(async () => {
    await services.close();
    temp.cleanup();
  });

  it('does not run a listener that nobody asked for', async () => {
    const reply = await dispatch(services.handlers, 'network.listener', {}, owner);
    expect(reply).toMatchObject({ ok: true, value: { running: false, aet: 'RADSTATION', port: 11112, address: '127.0.0.1' } });
  });

  it('is refused to a student and a teacher', async () => {
    for (const role of ['student', 'teacher'] as const) {
      const reply = await dispatch(services.handlers, 'network.configureListener', {}, { ...owner, role });
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });

  it('starts on the chosen port on loopback when enabled, saves the settings, and stops when disabled', async () => {
    const port = await freePort();
    const local = { localAet: 'RS_LOCAL', localPort: port, listenAddress: '127.0.0.1', listenerEnabled: true, acceptAnyCaller: false };
    const started = await dispatch(services.handlers, 'network.configureListener', local, owner);
    expect(started).toMatchObject({ ok: true, value: { listener: { running: true, aet: 'RS_LOCAL', port, address: '127.0.0.1' }, settings: local } });
    expect(await tryConnect(port)).toBe('connected');
    const saved = await dispatch(services.handlers, 'network.settings', {}, owner);
    expect(saved).toMatchObject({ ok: true, value: local });

    const stopped = await dispatch(services.handlers, 'network.configureListener', { ...local, listenerEnabled: false }, owner);
    expect(stopped).toMatchObject({ ok: true, value: { listener: { running: false } } });
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
  });

  it('refuses a listen address that is not an IP address, and changes nothing', async () => {
    const before = await dispatch(services.handlers, 'network.settings', {}, owner);
    const reply = await dispatch(
      services.handlers,
      'network.configureListener',
      { localAet: 'RS_LOCAL', localPort: 11112, listenAddress: 'lan.example', listenerEnabled: true, acceptAnyCaller: false },
      owner,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await dispatch(services.handlers, 'network.settings', {}, owner)).toEqual(before);
  });

  it('says why the listener could not start when its port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const reply = await dispatch(
        services.handlers,
        'network.configureListener',
        { localAet: 'RS_LOCAL', localPort: port, listenAddress: '127.0.0.1', listenerEnabled: true, acceptAnyCaller: false },
        owner,
      );
      expect(reply).toMatchObject({ ok: true, value: { listener: { running: false, error: expect.stringMatching(/EADDRINUSE/) } } });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      await dispatch(services.handlers, 'network.configureListener', { localAet: 'RS_LOCAL', localPort: port, listenAddress: '127.0.0.1', listenerEnabled: false, acceptAnyCaller: false }, owner);
    }
  });
});
