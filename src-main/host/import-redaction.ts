import path from 'node:path';
import type { EventName } from '../../src-shared/contract';

/** Import events name files; for a browser client they are rewritten to carry no host path. */
const importEvents: ReadonlySet<EventName> = new Set<EventName>(['imports.progress', 'imports.finished']);
/** Fields that hold a file's path (the rest are sentences, which may quote one). */
const pathFields = new Set(['path', 'currentPath']);

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Rewrites an import event for browser clients of the web host. A browser imports by
 * uploading, so the names it needs are relative to the upload: the staging folder is cut
 * off (`case.zip!/IMG1.dcm`), any other mention of the cache folder becomes `cache`, and
 * a path field that is still absolute keeps only its last part. Other events pass as is.
 */
export function redactForBrowsers(name: EventName, payload: unknown, cacheDir: string, uploadsDir: string): unknown {
  if (!importEvents.has(name)) return payload;
  const stagingPrefix = new RegExp(`${escapeForRegExp(path.resolve(uploadsDir))}[\\\\/][^\\\\/]+[\\\\/]`, 'g');
  const cachePrefix = new RegExp(escapeForRegExp(path.resolve(cacheDir)), 'g');
  const scrub = (text: string): string => text.replace(stagingPrefix, '').replace(cachePrefix, 'cache');
  const rewrite = (value: unknown, key: string | undefined): unknown => {
    if (typeof value === 'string') {
      const scrubbed = scrub(value);
      return key !== undefined && pathFields.has(key) && (path.isAbsolute(scrubbed) || path.win32.isAbsolute(scrubbed)) ? path.basename(scrubbed) : scrubbed;
    }
    if (Array.isArray(value)) return value.map((item) => rewrite(item, key));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([field, inner]) => [field, rewrite(inner, field)]));
    }
    return value;
  };
  return rewrite(payload, undefined);
}
