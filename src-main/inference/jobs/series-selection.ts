import fs from 'node:fs/promises';
import { ServiceError } from '../../../src-shared/contract';
import type { SeriesImage } from '../../../src-shared/contract/inference';
import { regionProblem, type PixelRegion } from '../pixels/region';
import type { SeriesSlice } from '../series-source';
import { parseDicomBounded } from '../../dicom/sequence-depth';

/**
 * The slices of a series a job was asked to run on, in the series' slice order. A UID
 * or frame that is not in the series is refused by name, before anything is written.
 */
export function chooseSlices(seriesInstanceUid: string, slices: SeriesSlice[], chosen: SeriesImage[] | undefined): SeriesSlice[] {
  if (!chosen) return slices;
  const missing = chosen.filter((image) => !slices.some((slice) => slice.sopInstanceUid === image.sopInstanceUid && (image.frame === undefined || slice.frame === image.frame)));
  if (missing.length > 0) {
    const named = missing.slice(0, 3).map((image) => (image.frame === undefined ? image.sopInstanceUid : `${image.sopInstanceUid} frame ${image.frame}`));
    throw new ServiceError('invalid-request', `Series ${seriesInstanceUid} has no image ${named.join(', ')}${missing.length > 3 ? ` (and ${missing.length - 3} more)` : ''}; nothing was saved.`);
  }
  return slices.filter((slice) => chosen.some((image) => image.sopInstanceUid === slice.sopInstanceUid && (image.frame === undefined || image.frame === slice.frame)));
}

async function imageSize(filePath: string): Promise<{ rows: number; columns: number }> {
  try {
    const bytes = await fs.readFile(filePath);
    const dataSet = parseDicomBounded(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x7fe00010' });
    return { rows: dataSet.uint16('x00280010') ?? 0, columns: dataSet.uint16('x00280011') ?? 0 };
  } catch (error) {
    throw new ServiceError('not-found', `Cannot read the image ${filePath}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Refuses a region that does not lie inside every chosen image, before the job starts. */
export async function checkRegion(region: PixelRegion | undefined, slices: SeriesSlice[]): Promise<void> {
  if (!region) return;
  const files = [...new Set(slices.map((slice) => slice.filePath))];
  for (const file of files) {
    const { rows, columns } = await imageSize(file);
    const problem = regionProblem(region, rows, columns);
    if (problem) throw new ServiceError('invalid-request', `Cannot save that region: ${problem}; nothing was saved.`);
  }
}
