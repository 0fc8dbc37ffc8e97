import { describe, expect, it } from 'vitest';
import { redactViewerObject } from '../../src-main/teaching/case-redaction';
import type { ViewerObject } from '../../src-shared/contract';

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
});
