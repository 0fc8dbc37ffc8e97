import type { DataSet, Element } from 'dicom-parser';

export interface TagRow {
  tag: string;
  name: string;
  vr: string;
  value: string;
  depth: number;
}

export interface DictionaryEntry {
  name?: string;
  vr?: string;
}
export type TagDictionary = Readonly<Record<string, DictionaryEntry | undefined>>;

/** dcmjs's DICOM dictionary (1.3 MB of data), loaded only when the tag browser opens. */
export async function loadDictionary(): Promise<TagDictionary> {
  const module = (await import('dcmjs/dictionary')) as { default: TagDictionary };
  return module.default;
}

function tagLabel(tag: string): string {
  // dicom-parser names tags "xggggeeee"; the dictionary uses "(GGGG,EEEE)".
  return `(${tag.slice(1, 5).toUpperCase()},${tag.slice(5, 9).toUpperCase()})`;
}

const textVrs = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);

function valueOf(ds: DataSet, element: Element, vr: string): string {
  if (element.tag === 'x7fe00010') return `(pixel data, ${element.length} bytes)`;
  if (element.items) return `(sequence of ${element.items.length} item${element.items.length === 1 ? '' : 's'})`;
  if (textVrs.has(vr)) return (ds.string(element.tag) ?? '').slice(0, 200);
  const count = (size: number) => Math.min(16, Math.floor(element.length / size));
  const list = (size: number, read: (index: number) => number | undefined) =>
    Array.from({ length: count(size) }, (_, index) => read(index)).join('\\') + (element.length / size > 16 ? '…' : '');
  switch (vr) {
    case 'US':
      return list(2, (i) => ds.uint16(element.tag, i));
    case 'SS':
      return list(2, (i) => ds.int16(element.tag, i));
    case 'UL':
      return list(4, (i) => ds.uint32(element.tag, i));
    case 'SL':
      return list(4, (i) => ds.int32(element.tag, i));
    case 'FL':
      return list(4, (i) => ds.float(element.tag, i));
    case 'FD':
      return list(8, (i) => ds.double(element.tag, i));
    case 'AT':
      return list(4, (i) => ds.uint32(element.tag, i));
    default:
      return `(${element.length} bytes)`;
  }
}

/** Every element of a parsed file, sequences flattened with their depth, named from the DICOM dictionary. */
export function tagRows(ds: DataSet, dictionary: TagDictionary, depth = 0): TagRow[] {
  const rows: TagRow[] = [];
  for (const tag of Object.keys(ds.elements).sort()) {
    const element = ds.elements[tag];
    if (!element) continue;
    const label = tagLabel(tag);
    const entry = dictionary[label];
    const isPrivate = Number.parseInt(tag.slice(1, 5), 16) % 2 === 1;
    const vr = element.vr ?? entry?.vr ?? (element.items ? 'SQ' : 'UN');
    rows.push({ tag: label, name: entry?.name ?? (isPrivate ? 'Private' : 'Unknown'), vr, value: valueOf(ds, element, vr), depth });
    for (const item of element.items ?? []) if (item.dataSet) rows.push(...tagRows(item.dataSet, dictionary, depth + 1));
  }
  return rows;
}
