import fs from 'node:fs';
import path from 'node:path';
import { sha256Hex, storedPathFor } from '../store/file-store';
import type { ImportService } from './import-service';

/**
 * Brings files the app itself wrote (derived AI series) under the cache's management:
 * imports them by copy, then removes the written originals, so their only copy is in the
 * store and deleting the study removes them like any other managed file. Returns where
 * each file now lives. Throws, keeping the originals, when any file is not imported.
 */
export async function adoptFiles(imports: ImportService, cacheDir: string, files: readonly string[]): Promise<string[]> {
  const { importId } = imports.start({ paths: [...files], mode: 'copy' });
  const finished = await imports.whenFinished(importId);
  const failure = finished?.report.failed[0];
  if (!finished || finished.status !== 'completed' || failure) {
    throw new Error(`the files could not be added to the cache: ${failure ? `${failure.path}: ${failure.reason}` : (finished?.message ?? 'the import did not finish')}`);
  }
  // The store names copies by content, so each file's managed place follows from its bytes.
  const stored = files.map((file) => storedPathFor(cacheDir, sha256Hex(fs.readFileSync(file))));
  const missing = stored.find((file) => !fs.existsSync(file));
  if (missing !== undefined) throw new Error(`the import finished but the store lacks ${missing}`);
  for (const file of files) fs.rmSync(file, { force: true });
  for (const folder of new Set(files.map((file) => path.dirname(file)))) {
    try {
      fs.rmdirSync(folder);
    } catch {
      // not empty (something else lives there) or already gone
    }
  }
  return stored;
}
