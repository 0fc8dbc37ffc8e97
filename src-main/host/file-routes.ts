import fs from 'node:fs';
import path from 'node:path';
import { dicomUidSchema } from '../../src-shared/domain/studies';
import { fileRoutes } from '../../src-shared/contract';
import { exportDownloadName } from '../deid/deidentified-exports';

export type FileLookup =
  /** downloadName: the name a browser saves it under (Content-Disposition: attachment). */
  | { status: 200; filePath: string; contentType: string; downloadName?: string }
  | { status: 400 | 404; message: string };

/**
 * Resolves a request path under /files/ to a file the cache knows about. Both hosts use
 * this, so neither can be talked into serving an arbitrary path: the URL carries only a
 * UID, which is checked against the UID grammar before any lookup.
 */
export function lookupCacheFile(
  requestPath: string,
  resolveInstanceFile: (uid: string) => string | undefined,
  resolveDeidentifiedExport?: (exportId: string) => string | undefined,
): FileLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return { status: 400, message: 'Malformed file path.' };
  }
  if (resolveDeidentifiedExport && decoded.startsWith(fileRoutes.deidentifiedExport)) {
    // Addressed by the random id the studies.deidentify reply gave, never by a path.
    const name = decoded.slice(fileRoutes.deidentifiedExport.length);
    const exportId = name.endsWith('.zip') ? name.slice(0, -'.zip'.length) : '';
    const filePath = exportId ? resolveDeidentifiedExport(exportId) : undefined;
    if (filePath === undefined) return { status: 404, message: 'No such de-identified export (they are kept for an hour).' };
    return { status: 200, filePath, contentType: 'application/zip', downloadName: exportDownloadName(exportId) };
  }
  if (!decoded.startsWith(fileRoutes.instance)) return { status: 404, message: 'No such file route.' };
  const uid = decoded.slice(fileRoutes.instance.length);
  if (!dicomUidSchema.safeParse(uid).success) return { status: 400, message: 'A file is addressed by its SOP Instance UID only.' };
  const filePath = resolveInstanceFile(uid);
  if (filePath === undefined) return { status: 404, message: 'The cache has no instance with that UID.' };
  if (!fs.existsSync(filePath)) return { status: 404, message: 'The instance is in the cache, but its file is missing.' };
  return { status: 200, filePath, contentType: 'application/dicom' };
}

const staticTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Resolves a path inside the built renderer, refusing anything that escapes its folder. */
export function lookupRendererFile(rendererDir: string, requestPath: string): FileLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return { status: 400, message: 'Malformed path.' };
  }
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = path.resolve(rendererDir);
  const filePath = path.resolve(root, relative);
  if (!isInside(root, filePath)) return { status: 400, message: 'Path escapes the application folder.' };
  // The lexical check above cannot see symlinks: resolve both ends for real, and serve only
  // a regular file whose real location is still inside the app's real folder.
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = fs.realpathSync(root);
    realFile = fs.realpathSync(filePath);
  } catch {
    return { status: 404, message: 'Not found.' };
  }
  if (!isInside(realRoot, realFile)) return { status: 404, message: 'Not found.' };
  if (!fs.statSync(realFile).isFile()) return { status: 404, message: 'Not found.' };
  return { status: 200, filePath: realFile, contentType: staticTypes[path.extname(filePath)] ?? 'application/octet-stream' };
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + path.sep);
}

/**
 * The renderer's Content-Security-Policy, the same in both hosts. 'wasm-unsafe-eval'
 * is for the image codecs, which are WebAssembly; nothing may load from elsewhere.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  // Encapsulated PDFs: the page turns the bytes it was sent into a blob typed application/pdf.
  "frame-src blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Sent with every answer the web host gives, errors and JSON included. */
export const securityHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;
