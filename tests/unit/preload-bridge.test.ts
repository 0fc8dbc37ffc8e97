import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aboutSchema, CallFailedError, ipcChannels, type CallName, type RadstationApi } from '../../src-shared/contract';
import { createPreloadBridge, type PreloadIpc } from '../../src-main/app/preload-bridge';
import { dispatch } from '../../src-main/dispatch';
import { createServices, type Services } from '../../src-main/services';
import { createApi } from '../../src-renderer/bridge/create-api';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Electron cannot run here (no binary), so ipcRenderer is replaced by a stand-in that
 * does what electron-main.ts's ipcMain handler does: hand the call to the real dispatcher
 * and the real services. Everything else is the product's own code: the preload's bridge,
 * the renderer's API on top of it, the contract's schemas.
 */
function fakeIpc(services: Services) {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const invoked: unknown[][] = [];
  const ipc: PreloadIpc = {
    async invoke(channel, ...args) {
      invoked.push([channel, ...args]);
      if (channel !== ipcChannels.call) throw new Error(`nothing handles ${channel}`);
      const [name, payload] = args;
      return dispatch(services.handlers, typeof name === 'string' ? name : '', payload, { host: 'electron', client: 'window-1', role: 'owner' });
    },
    on(channel, listener) {
      listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener));
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
  const send = (channel: string, ...args: unknown[]): void => {
    for (const listener of listeners.get(channel) ?? []) listener({ sender: 'main' }, ...args);
  };
  return { ipc, invoked, send, listenerCount: (channel: string) => listeners.get(channel)?.size ?? 0 };
}

const temp = makeTempDir();
let services: Services;
let wire: ReturnType<typeof fakeIpc>;
let api: RadstationApi;

beforeAll(() => {
  services = createServices({
    host: 'electron',
    cacheDir: path.join(temp.dir, 'cache'),
    userDataDir: path.join(temp.dir, 'user'),
    runtimeVersions: { electron: '41.0.0', chrome: '140.0.0.0' },
  });
  wire = fakeIpc(services);
  api = createApi(createPreloadBridge(wire.ipc, { getPathForFile: (file) => `/dropped/${file.name}` }));
});

afterAll(async () => {
  await services.close();
  temp.cleanup();
});

describe('Electron preload bridge (window.radstation)', () => {
  it('carries a contract call over the call channel and returns the checked response', async () => {
    const about = await api.call('app.about', {});
    expect(aboutSchema.parse(about)).toMatchObject({ host: 'electron', electronVersion: '41.0.0', nodeVersion: process.versions.node });
    expect(wire.invoked.at(-1)).toEqual([ipcChannels.call, 'app.about', {}]);
  });

  it('turns an invalid request into a typed error the renderer can inspect', async () => {
    const failure = api.call('studies.list', { limit: -1 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const error = await failure;
    expect(error).toBeInstanceOf(CallFailedError);
    expect((error as CallFailedError).error.code).toBe('invalid-request');
    expect((error as CallFailedError).error.issues?.map((issue) => issue.path)).toEqual(['limit']);
  });

  it('refuses a call name that is not in the contract before anything is sent', async () => {
    const sentBefore = wire.invoked.length;
    await expect(api.call('app.formatDisk' as CallName, {} as never)).rejects.toThrow('Unknown call app.formatDisk');
    expect(wire.invoked.length).toBe(sentBefore);
  });

  it('delivers events that match the contract, drops ones that do not, and unsubscribes', () => {
    const received: unknown[] = [];
    const stop = api.on('studies.changed', (payload) => received.push(payload));
    expect(wire.listenerCount(ipcChannels.event)).toBe(1);
    wire.send(ipcChannels.event, 'studies.changed', { studyInstanceUids: ['1.2.3'] });
    wire.send(ipcChannels.event, 'studies.changed', { studyInstanceUids: 'not a list' });
    wire.send(ipcChannels.event, 'app.menuCommand', { command: 'about' });
    expect(received).toEqual([{ studyInstanceUids: ['1.2.3'] }]);
    stop();
    expect(wire.listenerCount(ipcChannels.event)).toBe(0);
  });

  it('addresses cache files under the app origin by UID, and reports dropped files by path', () => {
    expect(api.instanceFileUrl('1.2.840.1')).toBe('radstation://app/files/instances/1.2.840.1');
    const bridge = createPreloadBridge(wire.ipc, { getPathForFile: (file) => `/dropped/${file.name}` });
    expect(bridge.pathForFile?.(new File(['x'], 'ct.dcm'))).toBe('/dropped/ct.dcm');
  });
});
