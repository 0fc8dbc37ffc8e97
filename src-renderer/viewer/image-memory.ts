/**
 * How much memory the viewer lets Cornerstone's image cache take, and whether a series' MPR volume
 * can fit in it. Pure, so the choice is tested without a browser.
 */

const MiB = 2 ** 20;

/** What the renderer process may hold at its peak while reading one large series (issue 14: 1.5 GB). */
export const rendererMemoryBudgetBytes = 1536 * MiB;

/**
 * The decoded images' share of the budget. Half of it: a multi-frame file's pixel bytes stay in the
 * loader's parsed-metadata store beside its decoded frames (single-frame files' leave it once
 * decoded, loader/pixel-release.ts), files in flight are held while parsed, and the app, the tools
 * and the WebGL state take the rest. At 768 MB a
 * 1,000-slice 512×512 CT (500 MB as 16-bit images) stays whole in the cache.
 */
export function imageCacheBytesFor(budgetBytes: number): number {
  return Math.floor(budgetBytes / 2 / MiB) * MiB;
}

/** Cornerstone evicts the least recently used decoded images beyond this many bytes. */
export const imageCacheBytes = imageCacheBytesFor(rendererMemoryBudgetBytes);

export type VolumeMemoryCheck = { ok: true; bytes: number } | { ok: false; reason: string };

/**
 * A volume's images must all sit in the image cache at once (Cornerstone will not evict a volume's
 * own slices, and fails the load when they cannot fit). The least it can take is 2 bytes a voxel,
 * a 16-bit series with an integer rescale; a fractional rescale makes it 4. Refusing only what
 * cannot fit even at 2 never refuses a volume that would have worked.
 */
export function volumeMemoryCheck(slices: readonly { rows: number | null; columns: number | null }[], cacheBytes: number): VolumeMemoryCheck {
  const bytes = slices.reduce((sum, slice) => sum + (slice.rows ?? 0) * (slice.columns ?? 0) * 2, 0);
  if (bytes <= cacheBytes) return { ok: true, bytes };
  const mb = (value: number) => Math.round(value / MiB);
  return { ok: false, reason: `The volume needs at least ${mb(bytes)} MB of image memory and the viewer keeps at most ${mb(cacheBytes)} MB; MPR is refused.` };
}
