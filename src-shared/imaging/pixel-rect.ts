/** A rectangle of whole image pixels: columns x to x + width - 1, rows y to y + height - 1. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The whole pixels a drag between two image points covers, clipped to the image, or undefined
 * when none is left. The points are in pixel-edge coordinates (0 is the left edge of column 0,
 * `columns` the right edge of the last), as Cornerstone's worldToImageCoords gives them, so a
 * pixel touched at all is covered: black-out errs on the side of hiding.
 */
export function pixelRectBetween(a: readonly [number, number], b: readonly [number, number], columns: number, rows: number): PixelRect | undefined {
  if (![...a, ...b].every(Number.isFinite)) return undefined;
  const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0])));
  const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1])));
  const x1 = Math.min(columns, Math.ceil(Math.max(a[0], b[0])));
  const y1 = Math.min(rows, Math.ceil(Math.max(a[1], b[1])));
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
