import type { ViewerSeries } from '../../src-shared/contract';
import { sopClassKind } from '../../src-shared/dicom/sop-classes';

export const layouts = { '1x1': [1, 1], '1x2': [1, 2], '2x2': [2, 2] } as const;
export type LayoutName = keyof typeof layouts;

export function paneCount(layout: LayoutName): number {
  const [rows, columns] = layouts[layout];
  return rows * columns;
}

/** 1 for a series of segmentations only: they are drawn over the series they reference, so they hang last. */
const overlayOnly = (s: ViewerSeries): number => (s.instances.every((i) => sopClassKind(i.sopClassUid) === 'segmentation') ? 1 : 0);

/** Series that have images to show, latest first, the larger of equally recent ones first; segmentations after them. */
export function hangingOrder(series: readonly ViewerSeries[]): ViewerSeries[] {
  const when = (s: ViewerSeries) => `${s.seriesDate}${s.seriesTime}`;
  return series
    .filter((s) => s.instances.length > 0)
    .sort((a, b) => overlayOnly(a) - overlayOnly(b) || when(b).localeCompare(when(a)) || b.instances.length - a.instances.length || (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0));
}

/** The default hanging: as many panes as series (up to four), the latest and largest first. */
export function defaultHanging(series: readonly ViewerSeries[]): { layout: LayoutName; assignments: (string | undefined)[] } {
  const ordered = hangingOrder(series);
  const layout: LayoutName = ordered.length <= 1 ? '1x1' : ordered.length === 2 ? '1x2' : '2x2';
  const assignments = Array.from({ length: paneCount(layout) }, (_, index) => ordered[index]?.seriesInstanceUid);
  return { layout, assignments };
}
