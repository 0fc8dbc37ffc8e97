import fs from 'node:fs';
import { protocol } from 'electron';
import type { Services } from '../services';
import { contentSecurityPolicy, lookupCacheFile, lookupRendererFile, type FileLookup } from '../host/file-routes';
import { appScheme } from './app-origin';

export { appOrigin, appScheme } from './app-origin';

/** Must run before the app is ready: the scheme behaves like https (secure, fetchable, storage). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false } },
  ]);
}

async function toResponse(lookup: FileLookup): Promise<Response> {
  const headers = { 'content-security-policy': contentSecurityPolicy, 'x-content-type-options': 'nosniff' };
  if (lookup.status !== 200) return new Response(lookup.message, { status: lookup.status, headers });
  const body = await fs.promises.readFile(lookup.filePath);
  const disposition = lookup.downloadName ? { 'content-disposition': `attachment; filename="${lookup.downloadName}"` } : {};
  return new Response(body, { status: 200, headers: { ...headers, 'content-type': lookup.contentType, ...disposition } });
}

/**
 * Serves the renderer and the cache's files under radstation://app/. Files come only
 * through the same UID lookup the web host uses, so no path reaches the renderer.
 */
export function handleAppScheme(services: Services, rendererDir: string): void {
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('Unknown host.', { status: 404 });
    if (url.pathname.startsWith('/files/')) {
      return toResponse(lookupCacheFile(url.pathname, (uid) => services.studies.resolveInstanceFile(uid), (exportId) => services.deidentify.exportFile(exportId)));
    }
    return toResponse(lookupRendererFile(rendererDir, url.pathname));
  });
}
