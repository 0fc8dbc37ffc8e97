import type { DataSet, Element } from 'dicom-parser';
import type { Segmentation, ViewerObject, ViewerStudy } from '../../src-shared/contract';
import type { DicomTagNode, SeriesSummary, StudySummary } from '../../src-shared/domain/studies';
import type { ReportDraft } from '../../src-shared/domain/reports';
import { parseDataSet } from '../dicom/read-dataset';
import { displayTag } from '../dicom/tag-dictionary';
import type { FileAnswer } from '../host/http-answer';

/**
 * What an unknown case hides from students until the teacher reveals it: every attribute
 * that says what the study shows. Most are already gone after the Basic Profile, but
 * options such as clean-descriptors keep some, and the answer must not sit in the header.
 */
const descriptionTags: ReadonlySet<string> = new Set([
  'x00081030', // Study Description
  'x0008103e', // Series Description
  'x00181030', // Protocol Name
  'x00204000', // Image Comments
  'x00400254', // Performed Procedure Step Description
  'x00400280', // Comments on the Performed Procedure Step
  'x00321060', // Requested Procedure Description
  'x00324000', // Study Comments
  'x00081080', // Admitting Diagnoses Description
  'x00401002', // Reason for the Requested Procedure
  'x00401400', // Requested Procedure Comments
  'x001021b0', // Additional Patient History
  'x00082111', // Derivation Description
  // A segmentation names its finding: the segments' labels and descriptions, the content label.
  'x00620005', // Segment Label
  'x00620006', // Segment Description
  'x00700080', // Content Label
  'x00700081', // Content Description
]);
/** Code sequences naming the procedure or the diagnosis: every text value inside is hidden too. */
const describingSequences: ReadonlySet<string> = new Set([
  'x00081032', // Procedure Code Sequence
  'x00321064', // Requested Procedure Code Sequence
  'x00400260', // Performed Protocol Code Sequence
  'x0040100a', // Reason for Requested Procedure Code Sequence
  'x00081084', // Admitting Diagnoses Code Sequence
  'x00620003', // Segmented Property Category Code Sequence
  'x0062000f', // Segmented Property Type Code Sequence
  'x00620024', // Segmented Property Type Modifier Code Sequence
]);
const textVrs: ReadonlySet<string> = new Set(['LO', 'SH', 'ST', 'LT', 'UT', 'UC', 'CS', 'PN']);
const displayDescriptionTags = new Set([...descriptionTags].map(displayTag));
const displayDescribingSequences = new Set([...describingSequences].map(displayTag));

/** Hidden values in a tag tree (studies.tags): emptied, wherever they sit. */
export function redactTagTree(tags: DicomTagNode[], insideDescribing = false): DicomTagNode[] {
  return tags.map((node) => {
    const describing = insideDescribing || displayDescribingSequences.has(node.tag);
    const hidden = displayDescriptionTags.has(node.tag) || (insideDescribing && textVrs.has(node.vr));
    const items = node.items?.map((item) => redactTagTree(item, describing));
    return { ...node, ...(hidden ? { value: '', length: 0 } : {}), ...(items ? { items } : {}) };
  });
}

export function redactStudySummary(study: StudySummary): StudySummary {
  return { ...study, studyDescription: '' };
}

export function redactSeriesSummary(series: SeriesSummary): SeriesSummary {
  return { ...series, seriesDescription: '' };
}

export function redactViewerStudy(study: ViewerStudy): ViewerStudy {
  return { ...study, studyDescription: '', series: study.series.map((series) => ({ ...series, seriesDescription: '' })) };
}

export function redactReport(report: ReportDraft): ReportDraft {
  return { ...report, findings: '', impression: '', entries: [] };
}

function blankElements(bytes: Buffer, dataSet: DataSet, insideDescribing: boolean): number {
  let blanked = 0;
  for (const [tag, element] of Object.entries(dataSet.elements) as Array<[string, Element]>) {
    if (element.items) {
      const describing = insideDescribing || describingSequences.has(tag);
      for (const item of element.items) if (item.dataSet) blanked += blankElements(bytes, item.dataSet, describing);
      continue;
    }
    const hidden = descriptionTags.has(tag) || (insideDescribing && element.vr !== undefined && textVrs.has(element.vr));
    if (!hidden || element.length <= 0) continue;
    // Spaces of the same length: the file keeps every offset and length, and a padded string is valid DICOM.
    bytes.fill(0x20, element.dataOffset, element.dataOffset + element.length);
    blanked += 1;
  }
  return blanked;
}

const deflatedSyntax = '1.2.840.10008.1.2.1.99';

/**
 * An instance's bytes with every hidden value overwritten by spaces, for a student while
 * its case is unknown. The header is parsed up to the pixel data; offsets are the file's
 * own, so nothing else in the file changes. The result is a copy: the bytes given are left
 * as they were (they may be the store's cached original). A deflated file cannot be blanked
 * in place and is withheld until the case is revealed.
 */
export function redactedInstanceBytes(original: Buffer, sopInstanceUid: string): FileAnswer {
  const bytes = Buffer.from(original);
  let dataSet: DataSet;
  try {
    dataSet = parseDataSet(bytes, sopInstanceUid, { untilTag: 'x7fe00010' });
  } catch (error) {
    return { status: 404, message: error instanceof Error ? error.message : 'The instance could not be read.' };
  }
  if (dataSet.string('x00020010')?.trim() === deflatedSyntax) return { status: 403, message: 'This image is shown once the teacher reveals its case.' };
  // Not deflated, so the parser's byte array lies over the copy made above.
  const { byteArray } = dataSet;
  const redacted = Buffer.from(byteArray.buffer, byteArray.byteOffset, byteArray.byteLength);
  blankElements(redacted, dataSet, false);
  return { status: 200, body: redacted, contentType: 'application/dicom' };
}

/**
 * An object's content for a student on an unknown case: a report, a document or a key
 * object's notes would name the finding, so only images (which are the case) pass; the
 * rest says it opens when the teacher reveals the case.
 */
export function redactViewerObject(object: ViewerObject): ViewerObject {
  if (object.kind === 'image') return object;
  return {
    kind: 'not-shown',
    sopInstanceUid: object.sopInstanceUid,
    sopClassName: object.sopClassName,
    reason: 'This object opens once the teacher reveals the case.',
  };
}

/** A SEG on an unknown case: the masks stay, but labels and descriptions could name the finding. */
export function redactSegmentation(segmentation: Segmentation): Segmentation {
  return {
    ...segmentation,
    contentLabel: '',
    seriesDescription: '',
    segments: segmentation.segments.map((segment) => ({ ...segment, label: `Segment ${segment.number}`, propertyType: '' })),
  };
}
