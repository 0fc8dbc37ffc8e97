import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { maxSequenceDepth } from '../../src-main/dicom/sequence-depth';
import { runImport } from '../../src-main/studies/import/run-import';
import { createStudyService } from '../../src-main/studies/study-service';
import { craftedDicom, nestedSequence } from '../helpers/crafted-dicom';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

const uid = (n: number) => `1.2.826.0.1.3680043.8.498.77.${n}`;

/** Deepest sequence level of a tag tree, walked without recursion so the check itself cannot overflow. */
function treeDepth(nodes: unknown): number {
  let deepest = 0;
  const stack: Array<{ nodes: unknown; depth: number }> = [{ nodes, depth: 0 }];
  while (stack.length > 0) {
    const { nodes: level, depth } = stack.pop()!;
    deepest = Math.max(deepest, depth);
    for (const node of level as Array<{ items?: unknown[] }>) for (const item of node.items ?? []) stack.push({ nodes: item, depth: depth + 1 });
  }
  return deepest;
}

describe('sequence nesting is bounded', () => {
  it('refuses a file nested 1,200 deep at import with a clear reason, and imports a file at the limit', async () => {
    const folder = path.join(temp.dir, 'nested');
    fs.mkdirSync(folder);
    const deep = craftedDicom({ sopInstanceUid: uid(1), middle: nestedSequence(1200) });
    expect(deep.length).toBeGreaterThan(40_000);
    fs.writeFileSync(path.join(folder, 'deep.dcm'), deep);
    fs.writeFileSync(path.join(folder, 'at-limit.dcm'), craftedDicom({ sopInstanceUid: uid(2), middle: nestedSequence(maxSequenceDepth) }));
    const cacheDir = path.join(temp.dir, 'cache-nested');
    const finished = await runImport({ importId: 'nested', cacheDir, paths: [folder], mode: 'copy' });
    expect(finished.status).toBe('completed');
    expect(finished.report.files).toBe(2);
    expect(finished.report.instances).toBe(1);
    expect(finished.report.failed).toHaveLength(1);
    expect(finished.report.failed[0]!.path).toBe(path.join(folder, 'deep.dcm'));
    expect(finished.report.failed[0]!.reason).toMatch(new RegExp(`sequences nested deeper than ${maxSequenceDepth} levels`));

    const studies = createStudyService(cacheDir);
    try {
      const tags = studies.tags(uid(2));
      expect(treeDepth(tags.tags)).toBe(maxSequenceDepth);
      expect(() => JSON.stringify(tags)).not.toThrow();
    } finally {
      studies.close();
    }
  });

  it('refuses to describe a linked file that became too deep after import, with a clear reason', async () => {
    const linked = path.join(temp.dir, 'linked.dcm');
    fs.writeFileSync(linked, craftedDicom({ sopInstanceUid: uid(3) }));
    const cacheDir = path.join(temp.dir, 'cache-linked');
    const finished = await runImport({ importId: 'linked', cacheDir, paths: [linked], mode: 'link' });
    expect(finished.report.instances).toBe(1);
    // The file on read-only media is swapped behind the cache's back for a hostile one.
    fs.writeFileSync(linked, craftedDicom({ sopInstanceUid: uid(3), middle: nestedSequence(1200) }));
    const studies = createStudyService(cacheDir);
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect(() => studies.tags(uid(3))).toThrow(new RegExp(`nested deeper than ${maxSequenceDepth} levels`));
      }
    } finally {
      studies.close();
    }
  });
});
