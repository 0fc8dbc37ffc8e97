import { randomBytes } from 'node:crypto';
import type { Services } from '../services';
import { JoinCodes, joinRoute } from './access';
import { lookupCacheFile } from './file-routes';
import { startHostServer } from './host-server';
import { redactForBrowsers } from './import-redaction';
import { ownerAccess } from './owner-access';
import { handleUpload, removeDeadUploadStaging, UploadSlots, uploadStagingRoot } from './upload-route';

export { isLoopbackHost } from './host-server';

export interface WebHostOptions {
  services: Services;
  rendererDir: string;
  host?: string;
  port?: number;
  /** Fixed token for scripted use; a random one is made otherwise. */
  token?: string;
  /** Uploads received or importing at once; more are answered 503 (default 4). */
  maxConcurrentUploads?: number;
  /** Where malformed requests and failures are logged (default: stderr). */
  log?: (message: string) => void;
}

export interface WebHost {
  /** The link to open: a one-time join code, exchanged for the cookie on first use. */
  readonly url: string;
  readonly origin: string;
  /** For scripts, in the x-radstation-token header; never put it in a URL. */
  readonly token: string;
  readonly port: number;
  /** A further one-time join link, for another browser. */
  joinUrl(): string;
  close(): Promise<void>;
}

/**
 * The owner's web host: the whole workstation for whoever holds the token. Every request,
 * the static files included, needs it, so nobody without the owner's link sees anything.
 * A classroom is a different host (src-main/teaching/classroom-host.ts) over its own store.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const log = options.log ?? ((message: string) => console.error(message));
  const { services } = options;
  const joinCodes = new JoinCodes();
  const uploadSlots = new UploadSlots(options.maxConcurrentUploads ?? 4);
  const uploadsDir = uploadStagingRoot(services.dirs.cacheDir);
  // A host killed mid-upload leaves its staging folder; nothing else would ever remove it.
  removeDeadUploadStaging(services.dirs.cacheDir);

  const server = await startHostServer({
    access: ownerAccess(token, joinCodes),
    handlers: services.handlers,
    events: services.events,
    rendererDir: options.rendererDir,
    files: (_principal, requestPath) => lookupCacheFile(requestPath, (uid) => services.studies.resolveInstanceFile(uid)),
    upload: (request, response) => handleUpload(request, response, { cacheDir: services.dirs.cacheDir, imports: services.imports, slots: uploadSlots, log }),
    eventPayload: (name, payload) => redactForBrowsers(name, payload, services.dirs.cacheDir, uploadsDir),
    host,
    ...(options.port !== undefined ? { port: options.port } : {}),
    log,
  });
  const joinUrl = (): string => `${server.origin}${joinRoute}?code=${joinCodes.issue()}`;
  return { url: joinUrl(), origin: server.origin, token, port: server.port, joinUrl, close: () => server.close() };
}
