import type { DataSet, Element } from 'dicom-parser';
import type { ObjectReference, SrLine } from '../../src-shared/contract/viewer-objects';
import { sopClassName } from '../../src-shared/dicom/sop-classes';
import type { CharacterSet } from '../dicom/charset';

/** The most content items sent for one SR; a longer tree is cut, and says so. */
export const maxSrLines = 5000;

/** Reads text attributes in the data set's Specific Character Set; other VRs are ASCII. */
export class TextReader {
  constructor(private readonly charset: CharacterSet) {}

  text(dataSet: DataSet, tag: string): string {
    const element: Element | undefined = dataSet.elements[tag];
    if (!element || element.length === 0) return '';
    const bytes = dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
    return this.charset.decode(bytes).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  }
}

function items(dataSet: DataSet, tag: string): DataSet[] {
  return (dataSet.elements[tag]?.items ?? []).flatMap((item) => (item.dataSet ? [item.dataSet] : []));
}

function codeMeaning(reader: TextReader, dataSet: DataSet, sequenceTag: string): string {
  const code = items(dataSet, sequenceTag)[0];
  return code ? reader.text(code, 'x00080104') || reader.text(code, 'x00080100') : '';
}

/** A unit as readers write it: the UCUM code ("mm"), else the code's meaning. */
function unit(reader: TextReader, measured: DataSet): string {
  const code = items(measured, 'x004008ea')[0];
  if (!code) return '';
  const value = reader.text(code, 'x00080100');
  return value && value !== '1' ? value : reader.text(code, 'x00080104');
}

function referencedObjects(reader: TextReader, item: DataSet): string {
  return items(item, 'x00081199')
    .map((reference) => {
      const frames = reader.text(reference, 'x00081160');
      return `${sopClassName(reader.text(reference, 'x00081150'))} ${reader.text(reference, 'x00081155')}${frames ? ` frame ${frames}` : ''}`;
    })
    .join('; ');
}

/** A content item's value as one line of text, by its Value Type (PS3.3 C.17.3). */
function itemValue(reader: TextReader, item: DataSet, valueType: string): string {
  switch (valueType) {
    case 'TEXT':
      return reader.text(item, 'x0040a160');
    case 'NUM': {
      const measured = items(item, 'x0040a300')[0];
      if (!measured) return '(no value)';
      return [reader.text(measured, 'x0040a30a'), unit(reader, measured)].filter(Boolean).join(' ');
    }
    case 'CODE':
      return codeMeaning(reader, item, 'x0040a168');
    case 'DATE':
      return reader.text(item, 'x0040a121');
    case 'TIME':
      return reader.text(item, 'x0040a122');
    case 'DATETIME':
      return reader.text(item, 'x0040a120');
    case 'PNAME':
      return reader.text(item, 'x0040a123').replace(/\^+/g, ' ').trim();
    case 'UIDREF':
      return reader.text(item, 'x0040a124');
    case 'IMAGE':
    case 'COMPOSITE':
    case 'WAVEFORM':
      return referencedObjects(reader, item);
    case 'SCOORD':
    case 'SCOORD3D':
      return `${reader.text(item, 'x00700023')} region`;
    case 'TCOORD':
      return `${reader.text(item, 'x0040a130')} time range`;
    default:
      return '';
  }
}

/**
 * The content tree of an SR document, depth first, as lines. Items included by reference
 * (Referenced Content Item Identifier) name the item they point to instead of repeating it.
 */
export function srLines(reader: TextReader, root: DataSet): { lines: SrLine[]; truncated: boolean } {
  const lines: SrLine[] = [];
  let truncated = false;
  const visit = (item: DataSet, depth: number, relationship: string): void => {
    if (lines.length >= maxSrLines) {
      truncated = true;
      return;
    }
    const byReference = item.elements.x0040db73;
    if (byReference) {
      const path: number[] = [];
      for (let index = 0; index < byReference.length / 4; index += 1) path.push(item.uint32('x0040db73', index) ?? 0);
      lines.push({ depth, relationship, valueType: 'REFERENCE', concept: '', value: `see item ${path.join('.')}` });
      return;
    }
    const valueType = reader.text(item, 'x0040a040');
    lines.push({ depth, relationship, valueType, concept: codeMeaning(reader, item, 'x0040a043'), value: itemValue(reader, item, valueType) });
    for (const child of items(item, 'x0040a730')) visit(child, depth + 1, reader.text(child, 'x0040a010'));
  };
  visit(root, 0, '');
  return { lines, truncated };
}

/** Text content items directly under the root: a key object selection's description. */
export function rootTexts(reader: TextReader, root: DataSet): string[] {
  return items(root, 'x0040a730')
    .filter((item) => reader.text(item, 'x0040a040') === 'TEXT')
    .map((item) => reader.text(item, 'x0040a160'))
    .filter(Boolean);
}

function addReference(into: Map<string, Set<string>>, seriesUid: string, sopUids: string[]): void {
  if (!seriesUid) return;
  const known = into.get(seriesUid) ?? new Set<string>();
  for (const uid of sopUids) if (uid) known.add(uid);
  into.set(seriesUid, known);
}

function toReferences(map: Map<string, Set<string>>): ObjectReference[] {
  return [...map].map(([seriesInstanceUid, sops]) => ({ seriesInstanceUid, sopInstanceUids: [...sops] }));
}

/** The instances a key object selection selects, from its evidence sequence, by series. */
export function keyObjectReferences(reader: TextReader, dataSet: DataSet): ObjectReference[] {
  const bySeries = new Map<string, Set<string>>();
  for (const study of items(dataSet, 'x0040a375')) {
    for (const series of items(study, 'x00081115')) {
      addReference(bySeries, reader.text(series, 'x0020000e'), items(series, 'x00081199').map((sop) => reader.text(sop, 'x00081155')));
    }
  }
  return toReferences(bySeries);
}

/** The images a presentation state applies to, by series. */
export function presentationStateReferences(reader: TextReader, dataSet: DataSet): ObjectReference[] {
  const bySeries = new Map<string, Set<string>>();
  for (const series of items(dataSet, 'x00081115')) {
    addReference(bySeries, reader.text(series, 'x0020000e'), items(series, 'x00081140').map((image) => reader.text(image, 'x00081155')));
  }
  return toReferences(bySeries);
}
