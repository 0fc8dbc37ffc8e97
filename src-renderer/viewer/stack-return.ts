import type { Vec3 } from '../../src-shared/imaging/slice-plane';
import { nearestSliceIndex, type SlicePlace } from '../../src-shared/imaging/slice-geometry';

/**
 * Where a pane's stack resumes when the stack grid comes back (after MPR): the slice it showed
 * before, or, for the series MPR showed, the slice through the point where the reformats last
 * crossed, so scrolling a reformat carries over to the stack.
 */
export interface StackReturn {
  seriesInstanceUid: string;
  imageIndex: number;
  /** Where MPR's three planes crossed when it closed, in patient millimetres. */
  point?: Vec3;
}

/** The image index to show first: the slice nearest the point along the stack's normal, else the index kept. */
export function returnIndex(back: StackReturn, places: readonly SlicePlace[], imageCount: number): number {
  const orientation = places.find((place) => place.orientation && place.orientation.length === 6)?.orientation;
  const nearest = back.point && orientation ? nearestSliceIndex({ position: back.point, orientation }, places) : undefined;
  const index = nearest ?? back.imageIndex;
  return Math.min(Math.max(0, index), Math.max(0, imageCount - 1));
}
