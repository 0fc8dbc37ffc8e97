import { describe, expect, it } from 'vitest';
import { imageCacheBytesFor, rendererMemoryBudgetBytes, volumeMemoryCheck } from '../../src-renderer/viewer/image-memory';

const MiB = 2 ** 20;
const slices = (count: number, rows = 512, columns = 512) => Array.from({ length: count }, () => ({ rows, columns }));

describe("Cornerstone's image cache bound", () => {
  it('leaves half of the 1.5 GB renderer budget for the files behind the decoded images and the app', () => {
    expect(rendererMemoryBudgetBytes).toBe(1536 * MiB);
    expect(imageCacheBytesFor(rendererMemoryBudgetBytes)).toBe(768 * MiB);
  });

  it('holds a whole 1,000-slice 512×512 CT as 16-bit images, so its MPR volume stays in the cache', () => {
    const cache = imageCacheBytesFor(rendererMemoryBudgetBytes);
    const check = volumeMemoryCheck(slices(1000), cache);
    expect(check).toEqual({ ok: true, bytes: 1000 * 512 * 512 * 2 });
  });

  it('refuses MPR up front, in MB, for a volume the cache cannot hold even at 2 bytes a voxel', () => {
    const check = volumeMemoryCheck(slices(2000), 768 * MiB);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.reason).toBe('The volume needs at least 1000 MB of image memory and the viewer keeps at most 768 MB; MPR is refused.');
  });

  it('counts slices of unknown size as nothing rather than guessing', () => {
    expect(volumeMemoryCheck([{ rows: null, columns: 512 }], 1)).toEqual({ ok: true, bytes: 0 });
  });
});
