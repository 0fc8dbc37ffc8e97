/**
 * Mutants of real DICOM files for the import fuzzer: the hostile shapes a crafted or
 * damaged file takes (cut short, flipped bytes, huge and undefined lengths, sequences
 * nested thousands deep, a transfer syntax that lies, bytes spliced in or out), plus the
 * special files an import must never open. Seeded, so a seed names one exact campaign.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** mulberry32: a tiny, well-spread PRNG; the same seed gives the same mutants on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const mutationKinds = ['truncate', 'flip-bytes', 'huge-length', 'undefined-length', 'deep-nesting', 'wrong-transfer-syntax', 'splice', 'zero-run'] as const;
export type MutationKind = (typeof mutationKinds)[number];

export interface Mutant {
  readonly kind: MutationKind;
  readonly base: string;
  readonly bytes: Buffer;
}

const transferSyntaxes = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.5', '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.90', '9.9'];

/** Where the data set starts after a Part 10 meta header (from its group length), or 0 when there is none. */
function dataSetStart(bytes: Buffer): number {
  if (bytes.length < 144 || bytes.toString('latin1', 128, 132) !== 'DICM') return 0;
  if (bytes.readUInt16LE(132) !== 0x0002 || bytes.readUInt16LE(134) !== 0x0000) return 132;
  return Math.min(bytes.length, 144 + bytes.readUInt32LE(140));
}

/** Sequence (0040,A730) of one item holding the same, `depth` deep, undefined lengths, explicit little endian. */
function nesting(depth: number): Buffer {
  const level = Buffer.from([0x40, 0x00, 0x30, 0xa7, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]);
  const end = Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  return Buffer.concat([...Array<Buffer>(depth).fill(level), ...Array<Buffer>(depth).fill(end)]);
}

/** An even offset inside the data set's first few kilobytes, where the header elements are. */
function headerOffset(bytes: Buffer, random: () => number): number {
  const start = dataSetStart(bytes);
  const span = Math.max(2, Math.min(bytes.length - start - 4, 4096));
  return Math.min(bytes.length - 4, start + 2 * Math.floor((random() * span) / 2));
}

function mutate(kind: MutationKind, source: Buffer, random: () => number): Buffer {
  const bytes = Buffer.from(source);
  const pick = (count: number) => Math.floor(random() * count);
  switch (kind) {
    case 'truncate':
      return bytes.subarray(0, pick(bytes.length));
    case 'flip-bytes': {
      const flips = 1 + pick(16);
      for (let index = 0; index < flips; index += 1) {
        const at = random() < 0.7 ? headerOffset(bytes, random) : pick(bytes.length);
        bytes[at] = bytes[at]! ^ (1 << pick(8));
      }
      return bytes;
    }
    case 'huge-length':
    case 'undefined-length': {
      // A length field sits 4 or 8 bytes into an element: an even offset hits one often enough.
      const at = headerOffset(bytes, random);
      bytes.writeUInt32LE(kind === 'undefined-length' ? 0xffffffff : [0x7fffffff, 0xfffffff0, 0x10000000, bytes.length * 4][pick(4)]!, at);
      return bytes;
    }
    case 'deep-nesting': {
      const at = dataSetStart(bytes);
      const depth = [33, 100, 1200, 5000, 20000][pick(5)]!;
      return Buffer.concat([bytes.subarray(0, at), nesting(depth), bytes.subarray(at)]);
    }
    case 'wrong-transfer-syntax': {
      const at = bytes.indexOf(Buffer.from([0x02, 0x00, 0x10, 0x00, 0x55, 0x49]), 128);
      if (at < 0 || at > 1024) return mutate('flip-bytes', source, random);
      const length = bytes.readUInt16LE(at + 6);
      const fitting = transferSyntaxes.filter((uid) => uid.length <= length);
      const chosen = fitting[pick(fitting.length)] ?? '';
      bytes.fill(0, at + 8, at + 8 + length);
      bytes.write(chosen, at + 8, 'latin1');
      return bytes;
    }
    case 'splice': {
      const from = pick(bytes.length);
      const length = pick(Math.min(4096, bytes.length - from) + 1);
      return random() < 0.5
        ? Buffer.concat([bytes.subarray(0, from), bytes.subarray(from + length)])
        : Buffer.concat([bytes.subarray(0, from), bytes.subarray(from, from + length), bytes.subarray(from)]);
    }
    case 'zero-run': {
      const at = headerOffset(bytes, random);
      bytes.fill(0, at, Math.min(bytes.length, at + 1 + pick(256)));
      return bytes;
    }
  }
}

/** Every conformance file under `root` no larger than `maxBytes`, sorted so a seed always means the same files. */
export function listBases(root: string, maxBytes = 1024 * 1024): string[] {
  const found: string[] = [];
  const visit = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() && !entry.name.endsWith('.zst') && fs.statSync(full).size <= maxBytes) found.push(full);
    }
  };
  visit(root);
  return found.sort();
}

export function* mutants(bases: readonly string[], count: number, seed: number): Generator<Mutant> {
  const random = seededRandom(seed);
  const cache = new Map<string, Buffer>();
  for (let index = 0; index < count; index += 1) {
    const base = bases[Math.floor(random() * bases.length)]!;
    let source = cache.get(base);
    if (!source) {
      source = fs.readFileSync(base);
      if (cache.size > 64) cache.clear();
      cache.set(base, source);
    }
    const kind = mutationKinds[index % mutationKinds.length]!;
    yield { kind, base, bytes: mutate(kind, source, random) };
  }
}

export interface SpecialFiles {
  /** How many entries were made (each is one file the import must report). */
  readonly count: number;
  close(): Promise<void>;
}

/** FIFOs, a socket, link loops, a dangling link and a link to a device, in `folder`. */
export async function makeSpecialFiles(folder: string): Promise<SpecialFiles> {
  execFileSync('mkfifo', [path.join(folder, 'special-fifo.dcm'), path.join(folder, 'special-fifo.zip')]);
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(path.join(folder, 'special-socket.dcm'), resolve));
  fs.symlinkSync('special-loop-b', path.join(folder, 'special-loop-a'));
  fs.symlinkSync('special-loop-a', path.join(folder, 'special-loop-b'));
  fs.symlinkSync('no-such-target.dcm', path.join(folder, 'special-dangling.dcm'));
  fs.symlinkSync('/dev/zero', path.join(folder, 'special-device.dcm'));
  return { count: 7, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
