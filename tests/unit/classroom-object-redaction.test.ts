import { describe, expect, it } from 'vitest';
import { redactSegmentation, redactTagTree, redactViewerObject } from '../../src-main/teaching/case-redaction';
import type { Segmentation, ViewerObject } from '../../src-shared/contract';

// A student on an unknown case must not read the answer in a report, a PDF or a key object's notes.
describe('viewer objects of an unknown case, for a student', () => {
  const report: ViewerObject = {
    kind: 'structured-report',
    sopInstanceUid: '1.2.3',
    sopClassName: 'Enhanced SR',
    completion: 'COMPLETE',
    verification: 'VERIFIED',
    contentDateTime: '',
    truncated: false,
    lines: [{ depth: 1, relationship: 'CONTAINS', valueType: 'TEXT', concept: 'Impression', value: 'Chronic subdural haematoma' }],
  };

  it('hides what a report says', () => {
    const shown = redactViewerObject(report);
    expect(shown.kind).toBe('not-shown');
    expect(JSON.stringify(shown)).not.toContain('subdural');
  });

  it("hides a key object's notes", () => {
    const keyObject: ViewerObject = { kind: 'references', sopInstanceUid: '1.2.4', sopClassName: 'Key Object Selection', title: 'For Teaching', notes: ['Subdural on slice 12'], references: [] };
    expect(JSON.stringify(redactViewerObject(keyObject))).not.toContain('Subdural');
  });

  it('passes an image, which is the case itself', () => {
    const image: ViewerObject = { kind: 'image', sopInstanceUid: '1.2.5', sopClassName: 'CT Image Storage', problem: null };
    expect(redactViewerObject(image)).toEqual(image);
  });

  it("hides a segmentation's labels but keeps its masks, which lie on the case's own images", () => {
    const segmentation: Segmentation = {
      sopInstanceUid: '1.2.6',
      seriesInstanceUid: '1.2.7',
      contentLabel: 'SUBDURAL',
      seriesDescription: 'Subdural segmentation',
      segmentationType: 'BINARY',
      maximumFractionalValue: 1,
      rows: 2,
      columns: 2,
      frameOfReferenceUid: '',
      referencedSeriesInstanceUids: ['1.2.8'],
      imageOrientationPatient: null,
      pixelSpacing: null,
      sliceThickness: null,
      segments: [{ number: 1, label: 'Subdural haematoma', propertyType: 'Haematoma', algorithmType: 'MANUAL', rgb: [255, 0, 0], colourSource: 'recommended' }],
      frames: [{ frame: 0, segmentNumber: 1, referencedSopInstanceUid: '1.2.9', referencedFrameNumber: null, imagePositionPatient: null, box: { row: 0, column: 0, rows: 1, columns: 1 }, mask: 'AQ==' }],
      emptyFrames: 0,
    };
    const shown = redactSegmentation(segmentation);
    expect(JSON.stringify(shown).toLowerCase()).not.toMatch(/subdural|haematoma/);
    expect(shown.segments[0]?.label).toBe('Segment 1');
    expect(shown.frames).toEqual(segmentation.frames);
  });

  it("blanks a segmentation's labels and property codes in its tag tree", () => {
    const node = (tag: string, keyword: string, vr: string, value: string) => ({ tag, keyword, vr, length: value.length, value });
    const segment = [
      node('(0062,0004)', 'SegmentNumber', 'US', '1'),
      node('(0062,0005)', 'SegmentLabel', 'LO', 'Subdural'),
      { ...node('(0062,000F)', 'SegmentedPropertyTypeCodeSequence', 'SQ', ''), items: [[node('(0008,0104)', 'CodeMeaning', 'LO', 'Haematoma')]] },
    ];
    const tree = [node('(0070,0080)', 'ContentLabel', 'CS', 'SUBDURAL'), { ...node('(0062,0002)', 'SegmentSequence', 'SQ', ''), items: [segment] }];
    const shown = JSON.stringify(redactTagTree(tree)).toLowerCase();
    expect(shown).not.toMatch(/subdural|haematoma/);
    expect(shown).toContain('"value":"1"');
  });
});
