import type { DataSet } from 'dicom-parser';
import type { ObjectReference, ViewerObject } from '../../src-shared/contract/viewer-objects';
import { sopClassKind, sopClassName } from '../../src-shared/dicom/sop-classes';
import { readDataSet } from '../dicom/read-dataset';
import { characterSetFor, specificCharacterSetOf } from '../dicom/charset';
import { keyObjectReferences, presentationStateReferences, rootTexts, srLines, TextReader } from './sr-content';

/** Documents are sent whole over the socket; beyond this they are refused with the reason. */
const maxDocumentBytes = 64 * 2 ** 20;

/** "An RT Plan", "A Waveform": the article the class name needs. */
function withArticle(name: string): string {
  return /^[AEIOU]/i.test(name) && !/^U[a-z]/.test(name) ? `An ${name}` : `A ${name}`;
}

/**
 * Why an image cannot be displayed, read from its file, or null when nothing is wrong that
 * can be seen without decoding. Encapsulated pixel data is left to the decoder to judge.
 */
function imageProblem(dataSet: DataSet): string | null {
  const pixels = dataSet.elements.x7fe00010 ?? dataSet.elements.x7fe00008 ?? dataSet.elements.x7fe00009;
  if (!pixels) return 'This image has no Pixel Data (7FE0,0010): there is nothing to display.';
  if (pixels.encapsulatedPixelData) {
    return (pixels.fragments?.length ?? 0) === 0 ? 'This image’s Pixel Data is empty: it holds no compressed frame.' : null;
  }
  if (pixels.length === 0) return 'This image’s Pixel Data is empty: there is nothing to display.';
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  if (rows === 0 || columns === 0) return 'This image has no Rows or Columns, so its pixels cannot be laid out.';
  const bitsAllocated = dataSet.uint16('x00280100') ?? 0;
  const samples = dataSet.uint16('x00280002') ?? 1;
  const frames = Number.parseInt(dataSet.string('x00280008') ?? '1', 10) || 1;
  const expected = Math.ceil((rows * columns * samples * frames * bitsAllocated) / 8);
  // Only the first frame must be there to show something; a short file is otherwise caught by the decoder.
  if (bitsAllocated > 0 && pixels.length < expected / frames) {
    return `This image’s Pixel Data is shorter than its size says (${pixels.length} of ${expected} bytes): it cannot be displayed.`;
  }
  return null;
}

function sequenceItems(dataSet: DataSet, tag: string): DataSet[] {
  return (dataSet.elements[tag]?.items ?? []).flatMap((item) => (item.dataSet ? [item.dataSet] : []));
}

/** A SEG's description and its segments, one line each, for the reader opening the SEG series itself. */
function segmentationNotes(reader: TextReader, dataSet: DataSet): string[] {
  const segments = sequenceItems(dataSet, 'x00620002').map((item, index) => {
    const number = item.uint16('x00620004') ?? index + 1;
    return `Segment ${number}: ${reader.text(item, 'x00620005') || 'no label'}`;
  });
  const note = 'It is drawn as an overlay on the series it references: open that series to see it.';
  return [reader.text(dataSet, 'x00700081'), ...segments, note].filter(Boolean);
}

/** The series (and their instances) a SEG's Referenced Series Sequence names. */
function segmentationReferences(reader: TextReader, dataSet: DataSet): ObjectReference[] {
  return sequenceItems(dataSet, 'x00081115').map((series) => ({
    seriesInstanceUid: reader.text(series, 'x0020000e'),
    sopInstanceUids: sequenceItems(series, 'x0008114a').map((instance) => reader.text(instance, 'x00081155')).filter(Boolean),
  })).filter((reference) => reference.seriesInstanceUid !== '');
}

/** What one stored object holds for the viewer, read from its file (see viewer-objects.ts). */
export function describeObject(filePath: string, sopInstanceUid: string): ViewerObject {
  const dataSet = readDataSet(filePath, sopInstanceUid);
  const reader = new TextReader(characterSetFor(specificCharacterSetOf(dataSet)));
  const sopClassUid = reader.text(dataSet, 'x00080016') || reader.text(dataSet, 'x00020002');
  const common = { sopInstanceUid, sopClassName: sopClassName(sopClassUid) };
  switch (sopClassKind(sopClassUid)) {
    case 'structured-report': {
      const { lines, truncated } = srLines(reader, dataSet);
      const date = reader.text(dataSet, 'x00080023');
      const time = reader.text(dataSet, 'x00080033');
      return {
        kind: 'structured-report',
        ...common,
        completion: reader.text(dataSet, 'x0040a491'),
        verification: reader.text(dataSet, 'x0040a493'),
        contentDateTime: [date, time].filter(Boolean).join(' '),
        truncated,
        lines,
      };
    }
    case 'document': {
      const document = dataSet.elements.x00420011;
      if (!document || document.length === 0) return { kind: 'not-shown', ...common, reason: 'This document holds no Encapsulated Document (0042,0011).' };
      if (document.length > maxDocumentBytes) {
        return { kind: 'not-shown', ...common, reason: `This document is ${Math.round(document.length / 2 ** 20)} MB, more than the viewer shows (${maxDocumentBytes / 2 ** 20} MB).` };
      }
      // The declared length drops the pad byte that makes the value even.
      const declared = Number(dataSet.uint32('x00420015') ?? 0);
      const length = declared > 0 && declared <= document.length ? declared : document.length;
      const bytes = dataSet.byteArray.subarray(document.dataOffset, document.dataOffset + length);
      return {
        kind: 'document',
        ...common,
        title: reader.text(dataSet, 'x00420010'),
        mimeType: reader.text(dataSet, 'x00420012') || 'application/pdf',
        base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
      };
    }
    case 'key-objects': {
      const title = dataSet.elements.x0040a043?.items?.[0]?.dataSet;
      return {
        kind: 'references',
        ...common,
        title: title ? reader.text(title, 'x00080104') : '',
        notes: rootTexts(reader, dataSet),
        references: keyObjectReferences(reader, dataSet),
      };
    }
    case 'presentation-state':
      return {
        kind: 'references',
        ...common,
        title: reader.text(dataSet, 'x00700080'),
        notes: [reader.text(dataSet, 'x00700081')].filter(Boolean),
        references: presentationStateReferences(reader, dataSet),
      };
    case 'segmentation':
      return {
        kind: 'references',
        ...common,
        title: reader.text(dataSet, 'x00700080') || reader.text(dataSet, 'x0008103e'),
        notes: segmentationNotes(reader, dataSet),
        references: segmentationReferences(reader, dataSet),
      };
    case 'not-shown':
      return { kind: 'not-shown', ...common, reason: `${withArticle(common.sopClassName)} is not an image: Radstation does not display it yet.` };
    case 'image':
      return { kind: 'image', ...common, problem: imageProblem(dataSet) };
  }
}
