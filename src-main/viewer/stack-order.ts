/**
 * Orders a series' images for stack display: along the slice normal when every image
 * has a position and the same orientation, else by instance number. Pure, so it is
 * tested without a database.
 */
export interface Orderable {
  instanceNumber: number | null;
  imagePositionPatient: number[] | null;
  imageOrientationPatient: number[] | null;
}

export function sliceNormal(orientation: readonly number[]): [number, number, number] | undefined {
  if (orientation.length !== 6) return undefined;
  const [rx, ry, rz, cx, cy, cz] = orientation as [number, number, number, number, number, number];
  const n: [number, number, number] = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  const length = Math.hypot(...n);
  return length > 1e-6 ? [n[0] / length, n[1] / length, n[2] / length] : undefined;
}

function sameOrientation(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => Math.abs(value - (b[index] ?? NaN)) < 1e-3);
}

export function orderStack<Item extends Orderable>(items: readonly Item[]): Item[] {
  const byNumber = (a: Item, b: Item) => (a.instanceNumber ?? Number.MAX_SAFE_INTEGER) - (b.instanceNumber ?? Number.MAX_SAFE_INTEGER);
  const first = items[0]?.imageOrientationPatient;
  const normal = first ? sliceNormal(first) : undefined;
  const geometric =
    normal !== undefined &&
    items.every((item) => item.imagePositionPatient?.length === 3 && item.imageOrientationPatient && sameOrientation(item.imageOrientationPatient, first ?? []));
  if (!geometric || !normal) return [...items].sort(byNumber);
  const distance = (item: Item) => {
    const p = item.imagePositionPatient ?? [0, 0, 0];
    return (p[0] ?? 0) * normal[0] + (p[1] ?? 0) * normal[1] + (p[2] ?? 0) * normal[2];
  };
  return [...items].sort((a, b) => distance(a) - distance(b) || byNumber(a, b));
}
