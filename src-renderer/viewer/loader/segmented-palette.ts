import { addPixelModuleOverride } from './metadata-module-override';

/*
 * Cornerstone 5.x reads only the plain Palette Color Lookup Table Data (0028,1201-1203). Palette
 * colour images that carry Segmented Palette Color Lookup Table Data (0028,1221-1223) instead,
 * such as the ALOKA ultrasound, reach its colour conversion with no tables, which throws inside
 * a promise callback that nothing awaits: the image never resolves. Here the segmented tables
 * are expanded (PS3.3 C.7.9.2) and handed to the loader as plain ones, through a metadata
 * provider placed before the loader's own.
 */

const discreteSegment = 0;
const linearSegment = 1;
const indirectSegment = 2;
/** Indirect segments may point at indirect segments; a table that loops is malformed. */
const maxIndirectDepth = 8;

export class SegmentedLutError extends Error {}

/**
 * Expands one colour's Segmented Palette Color LUT Data, given as its entries (8 or 16-bit
 * words), into the full table. `entries` is the descriptor's table length; a table that expands
 * to another length is rejected, so a damaged one fails with a reason instead of showing wrong
 * colours.
 */
export function expandSegmentedLut(words: ArrayLike<number>, entries: number): Uint16Array {
  const out: number[] = [];
  expandSegments(words, 0, Infinity, out, 0);
  if (out.length !== entries) {
    throw new SegmentedLutError(`segmented palette: the table expands to ${out.length} entries, the descriptor says ${entries}`);
  }
  return Uint16Array.from(out);
}

function expandSegments(words: ArrayLike<number>, start: number, segmentCount: number, out: number[], depth: number): void {
  let at = start;
  // `at + 1 < length`: a table with an odd number of bytes per colour ends with a padding word.
  for (let segment = 0; segment < segmentCount && at + 1 < words.length; segment++) {
    const opcode = words[at] ?? -1;
    const length = words[at + 1] ?? 0;
    at += 2;
    if (opcode === discreteSegment) {
      if (at + length > words.length) throw new SegmentedLutError(`segmented palette: a discrete segment of ${length} entries runs past the data`);
      for (let i = 0; i < length; i++) out.push(words[at + i] ?? 0);
      at += length;
    } else if (opcode === linearSegment) {
      if (out.length === 0) throw new SegmentedLutError('segmented palette: the table starts with a linear segment, which has no start value');
      if (at >= words.length) throw new SegmentedLutError('segmented palette: a linear segment has no end value');
      const from = out[out.length - 1] ?? 0;
      const to = words[at] ?? 0;
      at += 1;
      // A ramp from the previous entry (excluded) to `to` (included) over `length` entries.
      for (let i = 1; i <= length; i++) out.push(Math.round(from + ((to - from) * i) / length));
    } else if (opcode === indirectSegment) {
      if (out.length === 0) throw new SegmentedLutError('segmented palette: the table starts with an indirect segment');
      if (depth >= maxIndirectDepth) throw new SegmentedLutError('segmented palette: indirect segments nest too deep (a loop?)');
      if (at + 1 >= words.length) throw new SegmentedLutError('segmented palette: an indirect segment has no offset');
      // The 32-bit offset, least significant word first, counts entries from the table's start (as GDCM and pydicom read it).
      const offset = (words[at] ?? 0) + (words[at + 1] ?? 0) * 0x10000;
      at += 2;
      if (offset >= words.length) throw new SegmentedLutError(`segmented palette: an indirect segment points past the data (${offset})`);
      expandSegments(words, offset, length, out, depth + 1);
    } else {
      throw new SegmentedLutError(`segmented palette: unknown segment type ${opcode} at entry ${at - 2}`);
    }
  }
}

type Naturalized = Record<string, unknown>;
type Colour = 'Red' | 'Green' | 'Blue';

interface ExpandedPalette {
  descriptors: Record<Colour, [number, number, number]>;
  tables: Record<Colour, Uint16Array | Uint8Array>;
}

/** The bytes of a binary element as the naturalized data set holds them (an ArrayBuffer, a view, or a list of them). */
function bytesOf(value: unknown): Uint8Array | undefined {
  const first: unknown = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (first instanceof ArrayBuffer) return new Uint8Array(first);
  if (ArrayBuffer.isView(first)) return new Uint8Array(first.buffer, first.byteOffset, first.byteLength);
  return undefined;
}

function numbers(value: unknown): number[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.map((item) => (typeof item === 'string' ? Number(item) : item)).filter((n): n is number => typeof n === 'number' && Number.isFinite(n));
}

/**
 * The descriptor's (entries, first mapped value, bits): 0 entries means 65536 (PS3.3 C.7.6.3.1.5),
 * and a first value read as signed in an implicit VR file is taken back as unsigned.
 */
function descriptorOf(natural: Naturalized, colour: Colour): [number, number, number] {
  const [entries = NaN, first = NaN, bits = NaN] = numbers(natural[`${colour}PaletteColorLookupTableDescriptor`]);
  if (![entries, first, bits].every(Number.isFinite)) throw new SegmentedLutError(`segmented palette: the ${colour} Palette Color Lookup Table Descriptor is missing`);
  if (bits !== 8 && bits !== 16) throw new SegmentedLutError(`segmented palette: ${bits}-bit entries (only 8 and 16 are defined)`);
  return [entries === 0 ? 65536 : entries, first < 0 ? first + 65536 : first, bits];
}

const explicitBigEndian = '1.2.840.10008.1.2.2';

/** 16-bit entries; the naturalized data set keeps an OW value's bytes in the file's order. */
function wordsOf(bytes: Uint8Array, bigEndian: boolean): Uint16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint16Array.from({ length: bytes.byteLength >> 1 }, (_, i) => view.getUint16(i * 2, !bigEndian));
}

function expandPalette(natural: Naturalized): ExpandedPalette {
  const descriptors = { Red: descriptorOf(natural, 'Red'), Green: descriptorOf(natural, 'Green'), Blue: descriptorOf(natural, 'Blue') };
  const expand = (colour: Colour): Uint16Array | Uint8Array => {
    const [entries, , bits] = descriptors[colour];
    const bytes = bytesOf(natural[`Segmented${colour}PaletteColorLookupTableData`]);
    if (!bytes) throw new SegmentedLutError(`segmented palette: no Segmented ${colour} Palette Color Lookup Table Data`);
    const words = bits === 16 ? wordsOf(bytes, natural.TransferSyntaxUID === explicitBigEndian) : bytes;
    const table = expandSegmentedLut(words, entries);
    return bits === 8 ? Uint8Array.from(table) : table;
  };
  return { descriptors, tables: { Red: expand('Red'), Green: expand('Green'), Blue: expand('Blue') } };
}

/** True when the image is palette colour with segmented tables and no plain ones. */
export function hasOnlySegmentedPalette(natural: Naturalized): boolean {
  return (
    natural.RedPaletteColorLookupTableData === undefined &&
    natural.SegmentedRedPaletteColorLookupTableData !== undefined
  );
}

const expanded = new WeakMap<Naturalized, ExpandedPalette | SegmentedLutError>();

/** The expanded palette of a file, computed once per parsed file; a malformed one gives its error. */
export function segmentedPaletteOf(natural: Naturalized): ExpandedPalette | SegmentedLutError {
  let result = expanded.get(natural);
  if (!result) {
    try {
      result = expandPalette(natural);
    } catch (error) {
      result = error instanceof SegmentedLutError ? error : new SegmentedLutError(`segmented palette: ${String(error)}`);
    }
    expanded.set(natural, result);
  }
  return result;
}

/** The loader's image pixel module with the expanded tables as plain ones. */
function withExpandedTables(natural: Naturalized, base: Record<string, unknown>): Record<string, unknown> | undefined {
  const palette = segmentedPaletteOf(natural);
  // A malformed table: leave the module as the loader builds it; the wadouri loader refuses the image with this error.
  if (palette instanceof SegmentedLutError) return undefined;
  const { descriptors, tables } = palette;
  return {
    ...base,
    redPaletteColorLookupTableDescriptor: [...descriptors.Red],
    greenPaletteColorLookupTableDescriptor: [...descriptors.Green],
    bluePaletteColorLookupTableDescriptor: [...descriptors.Blue],
    redPaletteColorLookupTableData: tables.Red,
    greenPaletteColorLookupTableData: tables.Green,
    bluePaletteColorLookupTableData: tables.Blue,
  };
}

/** Registers the provider that expands segmented palettes; call once. */
export function registerSegmentedPaletteProvider(): void {
  addPixelModuleOverride(hasOnlySegmentedPalette, withExpandedTables);
}
