import { useEffect, useState } from 'react';

/** More rows than the tallest screen shows: the first frame lays out only these. */
export const firstScreenRows = 50;

/**
 * How many of a list's rows to render: a screenful first, then every row once that frame has
 * been painted. Laying out a table of 500 rows took most of the time before the list appeared
 * (over a second on a loaded machine); the rows below the screen can wait one frame. A new list
 * (another search, sort or refresh) starts again from a screenful.
 */
export function useRevealedRows(rows: readonly unknown[] | undefined): number {
  const [revealed, setRevealed] = useState<{ of: readonly unknown[] | undefined; all: boolean }>({ of: undefined, all: false });
  const all = revealed.of === rows && revealed.all;
  useEffect(() => {
    if (!rows || rows.length <= firstScreenRows) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // After the frame that paints the first screen: a timeout queued from the frame callback runs once it is painted.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setRevealed({ of: rows, all: true }), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [rows]);
  return !rows ? 0 : all ? rows.length : Math.min(rows.length, firstScreenRows);
}
