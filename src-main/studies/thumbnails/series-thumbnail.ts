import type Database from 'better-sqlite3';
import { ServiceError } from '../../../src-shared/contract/errors';
import type { Thumbnail } from '../../../src-shared/domain/studies';
import { orderedInstances } from '../cache/series-queries';
import { resolveStoredPath } from '../cache/stored-files';
import { readDataSet } from '../../dicom/read-dataset';
import { encodePng } from './png-encoder';
import { describeTransferSyntax, downsample, NoThumbnail, renderFrame, thumbnailCanDecode } from './render-frame';

export const thumbnailMaxSide = 128;

function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function ready(seriesInstanceUid: string, png: Buffer): Thumbnail {
  return { status: 'ready', seriesInstanceUid, ...pngSize(png), dataUrl: `data:image/png;base64,${png.toString('base64')}` };
}

/**
 * Returns a series' thumbnail, making it on first request from the middle instance
 * (in slice order) and caching the PNG in series.thumbnail. Anything that prevents a
 * thumbnail (compressed pixels, colour models it does not handle, missing files) is an
 * "unavailable" answer with the reason, never an error: a browser of many series must
 * not fail because of one. "Unavailable" is not cached, so a later fix (the file comes
 * back) is picked up.
 */
export async function seriesThumbnail(db: Database.Database, cacheDir: string, seriesInstanceUid: string): Promise<Thumbnail> {
  const cached = db.prepare('SELECT thumbnail FROM series WHERE series_instance_uid = ?').get(seriesInstanceUid) as { thumbnail: Buffer | null } | undefined;
  if (!cached) throw new ServiceError('not-found', `The cache has no series with UID ${seriesInstanceUid}.`);
  if (cached.thumbnail) return ready(seriesInstanceUid, cached.thumbnail);

  const { instances } = orderedInstances(db, cacheDir, seriesInstanceUid);
  const unavailable = (reason: string): Thumbnail => ({ status: 'unavailable', seriesInstanceUid, reason });
  if (instances.length === 0) return unavailable('The series has no instances.');
  // Middle first, then outwards: the nearest readable slice still represents the series.
  const middle = Math.floor(instances.length / 2);
  const candidates = [...instances.slice(middle), ...instances.slice(0, middle).reverse()].filter((instance) => !instance.summary.fileMissing);
  if (candidates.length === 0) return unavailable('The files of this series are missing.');

  let lastReason = 'No instance of this series could be rendered.';
  for (const candidate of candidates.slice(0, 3)) {
    const transferSyntax = candidate.row.transfer_syntax_uid;
    if (transferSyntax && !thumbnailCanDecode(transferSyntax)) {
      return unavailable(`No thumbnail: the pixel data is compressed (${describeTransferSyntax(transferSyntax)}).`);
    }
    try {
      const dataSet = readDataSet(resolveStoredPath(cacheDir, candidate.row.file_path), candidate.row.sop_instance_uid);
      const png = encodePng(downsample(await renderFrame(dataSet), thumbnailMaxSide));
      db.prepare('UPDATE series SET thumbnail = ? WHERE series_instance_uid = ?').run(png, seriesInstanceUid);
      return ready(seriesInstanceUid, png);
    } catch (error) {
      if (error instanceof NoThumbnail) return unavailable(`No thumbnail: ${error.message}.`);
      if (error instanceof ServiceError) lastReason = error.message;
      else throw error;
    }
  }
  return unavailable(lastReason);
}
