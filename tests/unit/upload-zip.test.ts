import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { zipPickedFiles } from '../../src-renderer/imports/upload-zip';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The zip the browser makes of several picked files, read back by Python's zipfile (not by
 * the code under test), which checks every entry's CRC-32: names, bytes and sizes survive.
 */
describe('zip of picked files', () => {
  it('is a valid zip that Python reads back byte for byte, CRCs checked', async () => {
    const temp = makeTempDir();
    try {
      const entries = [
        { name: 'CD/DICOM/I10', bytes: new Uint8Array(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256)) },
        { name: 'CD/DICOM/Ünïcode name', bytes: new Uint8Array([1, 2, 3]) },
        { name: 'CD/empty', bytes: new Uint8Array(0) },
      ];
      const zip = await zipPickedFiles(entries.map((entry) => ({ name: entry.name, file: new Blob([entry.bytes]) })));
      const file = path.join(temp.dir, 'picked.zip');
      fs.writeFileSync(file, new Uint8Array(await zip.arrayBuffer()));
      const script = 'import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({i.filename: list(z.read(i)) for i in z.infolist()}))';
      const read = JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as Record<string, number[]>;
      expect(Object.keys(read)).toEqual(entries.map((entry) => entry.name));
      for (const entry of entries) expect(read[entry.name]).toEqual(Array.from(entry.bytes));
    } finally {
      temp.cleanup();
    }
  });

  it('refuses more files than one zip without Zip64 holds, saying so', async () => {
    const many = Array.from({ length: 65_001 }, (_, i) => ({ name: `f${i}`, file: new Blob([]) }));
    await expect(zipPickedFiles(many)).rejects.toThrow(/more than one upload takes/);
  });
});
