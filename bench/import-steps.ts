/**
 * Where an import's CPU time goes, step by step, on one thread over all of
 * ../shared/data/dicom: listing, reading, parsing, extracting the fields, hashing, copying
 * into a store, and the SQLite rows. CPU time, not wall-clock, so a loaded machine skews it
 * less; the best of three rounds is printed. Run with `node --import tsx bench/import-steps.ts`.
 * Prints figures; asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCacheDatabase } from '../src-main/studies/cache/database';
import { CacheWriter } from '../src-main/studies/import/cache-writer';
import { extractInstance, type InstanceRecord } from '../src-main/studies/import/extract-instance';
import { readDicomFile, type ParsedFile } from '../src-main/dicom/read-file';
import { collectItems } from '../src-main/studies/import/sources/collect-items';
import { putContentSync, sha256Hex } from '../src-main/studies/store/file-store';
import { sharedDataPath } from '../tests/helpers/shared-data';

const corpus = sharedDataPath('dicom');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-steps-'));

function cpuMs<T>(work: () => T): { ms: number; value: T } {
  const before = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, value };
}

const best = new Map<string, number>();
const note = (step: string, ms: number) => best.set(step, Math.min(best.get(step) ?? Infinity, ms));

try {
  const collected = await collectItems([corpus]);
  const files = collected.items.flatMap((item) => (item.diskPath ? [item.diskPath] : []));
  for (let round = 0; round < 3; round += 1) {
    const listStart = process.cpuUsage();
    await collectItems([corpus]);
    const listUsed = process.cpuUsage(listStart);
    note('list the folder', (listUsed.user + listUsed.system) / 1000);

    let buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
    const read = cpuMs(() =>
      files.map((file) => {
        const fd = fs.openSync(file, 'r');
        const { size } = fs.fstatSync(fd);
        if (size > buffer.length) buffer = Buffer.allocUnsafe(size);
        const length = fs.readSync(fd, buffer, 0, size, 0);
        fs.closeSync(fd);
        return length;
      }),
    );
    note('read (open, fstat, read into a reused buffer, close)', read.ms);
    // Kept in memory only for the steps below, which must not pay for reading again.
    const contents = files.map((file) => fs.readFileSync(file));
    const parsed = cpuMs(() =>
      contents.map((bytes): ParsedFile | undefined => {
        try {
          return readDicomFile(bytes);
        } catch {
          return undefined;
        }
      }),
    );
    note('parse the header up to the pixel data (dicom-parser)', parsed.ms);
    const records = cpuMs(() =>
      parsed.value.map((file): InstanceRecord | undefined => {
        try {
          return file ? extractInstance(file) : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    note('extract the fields, decoding character sets', records.ms);
    const hashes = cpuMs(() => contents.map((bytes) => sha256Hex(bytes)));
    note(`SHA-256 of every byte (${(contents.reduce((sum, bytes) => sum + bytes.length, 0) / 1e6).toFixed(0)} MB)`, hashes.ms);
    const storeDir = path.join(workDir, `round-${round}`);
    note('copy into the store (staging file, rename)', cpuMs(() => contents.forEach((bytes, index) => putContentSync(storeDir, bytes, hashes.value[index]!))).ms);

    const db = openCacheDatabase(path.join(workDir, `cache-${round}`));
    const writer = new CacheWriter(db);
    note(
      'SQLite rows (lookups, inserts, search index; commits of 500)',
      cpuMs(() => {
        records.value.forEach((record, index) => {
          if (!record || writer.knownSha256(record.instance.sopInstanceUid) !== undefined) return;
          writer.add(record, { filePath: files[index]!, storageMode: 'link', size: contents[index]!.length, sha256: hashes.value[index]! });
          if (writer.pendingCount >= 500) writer.commit();
        });
        writer.commit();
      }).ms,
    );
    db.close();
  }
  console.log(`CPU per step over ${files.length} files, best of 3 rounds, one thread:`);
  let total = 0;
  for (const [step, ms] of best) {
    total += ms;
    console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${step}`);
  }
  console.log(`  ${total.toFixed(0).padStart(6)} ms  in all (copy mode; link mode skips the copy)`);
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
