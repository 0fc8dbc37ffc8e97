import type Database from 'better-sqlite3';

export interface SeriesSlice {
  sopInstanceUid: string;
  filePath: string;
  frame: number;
}

/**
 * Where the runtime gets pixels from: ordered instance files for a series, and the file
 * of one instance. The study cache implements it below; tests and the CLI's --file can
 * supply their own.
 */
export interface SeriesSource {
  /** Every frame of the series in slice order, or an empty list for an unknown series. */
  slicesOf(seriesInstanceUid: string): SeriesSlice[];
  instanceFile(sopInstanceUid: string): string | undefined;
}

interface InstanceRow {
  sop_instance_uid: string;
  file_path: string;
  instance_number: number | null;
  number_of_frames: number;
  image_orientation_patient: string | null;
  image_position_patient: string | null;
}

function parseNumbers(text: string | null, count: number): number[] | null {
  if (!text) return null;
  const values = text.split('\\').map(Number);
  return values.length === count && values.every(Number.isFinite) ? values : null;
}

/**
 * Slice order: by position along the slice normal when every instance has geometry
 * (instance numbers are often wrong or duplicated), else by instance number.
 */
export function orderInstances(rows: InstanceRow[]): InstanceRow[] {
  const keyed = rows.map((row) => {
    const orientation = parseNumbers(row.image_orientation_patient, 6);
    const position = parseNumbers(row.image_position_patient, 3);
    if (!orientation || !position) return { row, along: null };
    const [a, b, c, d, e, f] = orientation as [number, number, number, number, number, number];
    const normal = [b * f - c * e, c * d - a * f, a * e - b * d];
    return { row, along: normal[0]! * position[0]! + normal[1]! * position[1]! + normal[2]! * position[2]! };
  });
  const byPosition = keyed.every((entry) => entry.along !== null);
  return keyed
    .sort((x, y) => {
      const primary = byPosition ? x.along! - y.along! : (x.row.instance_number ?? 0) - (y.row.instance_number ?? 0);
      return primary !== 0 ? primary : x.row.sop_instance_uid.localeCompare(y.row.sop_instance_uid);
    })
    .map((entry) => entry.row);
}

/** A SeriesSource over the study cache's instances table. */
export function cacheSeriesSource(db: Database.Database): SeriesSource {
  const bySeries = db.prepare(
    `SELECT sop_instance_uid, file_path, instance_number, number_of_frames, image_orientation_patient, image_position_patient
       FROM instances WHERE series_instance_uid = ?`,
  );
  const byInstance = db.prepare('SELECT file_path FROM instances WHERE sop_instance_uid = ?');
  return {
    slicesOf: (seriesInstanceUid) =>
      orderInstances(bySeries.all(seriesInstanceUid) as InstanceRow[]).flatMap((row) =>
        Array.from({ length: Math.max(1, row.number_of_frames) }, (_, frame) => ({ sopInstanceUid: row.sop_instance_uid, filePath: row.file_path, frame })),
      ),
    instanceFile: (sopInstanceUid) => (byInstance.get(sopInstanceUid) as { file_path: string } | undefined)?.file_path,
  };
}
