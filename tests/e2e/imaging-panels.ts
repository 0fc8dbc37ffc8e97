import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import dicomParser from 'dicom-parser';
import { expect } from './fixtures';
import type { RunningHost } from './fixtures';
export { importLinked } from './cli-import';
export { openStudy } from './viewer-page';

/** Shared steps of the imaging panels' tests (super-resolution, modality conversion). */

/** The header fields of a DICOM file that the checks need, read with dicom-parser (not the app). */
export interface DicomHeader {
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  rows: number;
  columns: number;
  pixelSpacing: [number, number];
  imageType: string;
  seriesDescription: string;
}

export function readHeader(file: string): DicomHeader {
  const bytes = fs.readFileSync(file);
  const ds = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
  const spacing = (ds.string('x00280030') ?? '').split('\\').map(Number);
  return {
    sopInstanceUid: ds.string('x00080018') ?? '',
    seriesInstanceUid: ds.string('x0020000e') ?? '',
    studyInstanceUid: ds.string('x0020000d') ?? '',
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    pixelSpacing: [spacing[0] ?? NaN, spacing[1] ?? NaN],
    imageType: ds.string('x00080008') ?? '',
    seriesDescription: ds.string('x0008103e') ?? '',
  };
}

/**
 * The derived series' files as the cache holds them. The job writes them under <cache>/derived and the
 * cache then takes them into its own store, so the files are found through the cache's rows.
 */
export function derivedFiles(host: RunningHost, seriesUid: string): string[] {
  const db = new Database(path.join(host.cacheDir, 'radstation.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT file_path FROM instances WHERE series_instance_uid = ? ORDER BY instance_number').all(seriesUid) as { file_path: string }[];
    return rows.map((row) => row.file_path).filter((file) => fs.existsSync(file));
  } finally {
    db.close();
  }
}

/** Everything under <cache>/derived: series folders and any staging left behind. */
export function derivedEntries(host: RunningHost): string[] {
  const folder = path.join(host.cacheDir, 'derived');
  return fs.existsSync(folder) ? fs.readdirSync(folder) : [];
}

/** Panel screenshots go to docs/screenshots only when asked, so a test run leaves the tree clean. */
export function screenshotPath(name: string): string {
  const dir = process.env.RADSTATION_UPDATE_SCREENSHOTS ? path.join('docs', 'screenshots') : 'test-results';
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

export async function activeImage(page: Page) {
  return page.evaluate(() => window.radstationViewer?.getActiveImage());
}
