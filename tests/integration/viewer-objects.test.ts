import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeObject } from '../../src-main/viewer/object-reader';
import { sharedDataPath } from '../helpers/shared-data';

/**
 * The main process's reading of non-image objects for the viewer, checked against dcmtk's
 * dsrdump on the corpus's Comprehensive SR: every concept name and text dsrdump prints is
 * in the lines the viewer is sent, at the same depth.
 */
const corpus = sharedDataPath('dicom', 'conformance', 'pydicom');
const dsrdumpMissing = spawnSync('dsrdump', ['--version'], { stdio: 'ignore' }).error !== undefined;

describe('viewer objects', () => {
  it.skipIf(dsrdumpMissing)('reads a Comprehensive SR tree as dsrdump does (dsrdump from dcmtk; skipped without it)', () => {
    const file = path.join(corpus, 'test-SR.dcm');
    const object = describeObject(file, '1.2.3');
    expect(object.kind).toBe('structured-report');
    if (object.kind !== 'structured-report') return;
    expect(object.completion).toBe('COMPLETE');
    expect(object.verification).toBe('VERIFIED');
    // dsrdump's tree lines: indentation of two spaces per level, then <relationship TYPE:(,,"Concept")="value"...>.
    const dump = execFileSync('dsrdump', ['-Pn', file], { encoding: 'latin1' });
    const expected = dump
      .split('\n')
      .map((line) => /^( *)<(?:([a-z ]+) )?([A-Z0-9]+):(?:\([^)]*,"([^"]*)"\))?(?:="([^"]*)")?/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null && !/^\d/.test(match[3] ?? ''));
    expect(expected.length).toBeGreaterThan(20);
    const lines = object.lines.filter((line) => line.valueType !== 'REFERENCE');
    expect(lines).toHaveLength(expected.length);
    expected.forEach((match, index) => {
      const line = lines[index];
      expect(line?.depth, `item ${index}`).toBe((match[1] ?? '').length / 2);
      expect(line?.valueType, `item ${index}`).toBe(match[3]);
      expect(line?.concept, `item ${index}`).toBe(match[4] ?? '');
      // dsrdump abbreviates long texts with "..."; the start must agree.
      const value = match[5];
      if (value !== undefined && (match[3] === 'TEXT' || match[3] === 'NUM' || match[3] === 'DATE')) {
        expect(line?.value.replace(/[\r\n]/g, (c) => (c === '\r' ? '\\r' : '\\n')), `item ${index}`).toContain(value.replace(/\.\.\.$/, ''));
      }
    });
  });

  it('names an RT Plan as not an image, and images without pixels by their problem', () => {
    const plan = describeObject(path.join(corpus, 'rtplan.dcm'), '1.2.3');
    expect(plan).toMatchObject({ kind: 'not-shown', sopClassName: 'RT Plan' });
    const image = describeObject(path.join(corpus, 'CT_small.dcm'), '1.2.3');
    expect(image).toMatchObject({ kind: 'image', problem: null });
  });

  it('names a Segmentation with its segments and the series it is drawn over', () => {
    const seg = describeObject(sharedDataPath('dicom', 'conformance', 'pydicom-data', 'liver.dcm'), '1.2.3');
    expect(seg).toMatchObject({ kind: 'references', sopClassName: 'Segmentation', title: 'QIICR QIN IOWA' });
    if (seg.kind !== 'references') return;
    expect(seg.notes).toContain('Segment 1: Liver');
    expect(seg.references).toEqual([
      {
        seriesInstanceUid: '1.2.392.200103.20080913.113635.1.2009.6.22.21.43.10.23430.1',
        sopInstanceUids: ['23433', '23432', '23431'].map((n) => `1.2.392.200103.20080913.113635.2.2009.6.22.21.43.10.${n}.1`),
      },
    ]);
  });
});
