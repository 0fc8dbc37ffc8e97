import type { ViewerSeries } from '../../src-shared/contract';

export const layouts = { '1x1': [1, 1], '1x2': [1, 2], '2x2': [2, 2] } as const;
export type LayoutName = keyof typeof layouts;

export function paneCount(layout: LayoutName): number {
  const [rows, columns] = layouts[layout];
  return rows * columns;
}

/** Series that have images to show, latest first, the larger of equally recent ones first. */
export function hangingOrder(series: readonly ViewerSeries[]): ViewerSeries[] {
  const when = (s: ViewerSeries) => `${s.seriesDate}${s.seriesTime}`;
  return series
    .filter((s) => s.instances.length > 0)
    .sort((a, b) => when(b).localeCompare(when(a)) || b.instances.length - a.instances.length || (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0));
}

/** The default hanging: as many panes as series (up to four), the latest and largest first. */
export function defaultHanging(series: readonly ViewerSeries[]): { layout: LayoutName; assignments: (string | undefined)[] } {
  const ordered = hangingOrder(series);
  const layout: LayoutName = ordered.length <= 1 ? '1x1' : ordered.length === 2 ? '1x2' : '2x2';
  const assignments = Array.from({ length: paneCount(layout) }, (_, index) => ordered[index]?.seriesInstanceUid);
  return { layout, assignments };
}
