import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomTagNode } from '../../src-shared/domain/studies';
import { openCacheDatabase } from '../../src-main/studies/cache/database';
import { createStudyService, type StudyService } from '../../src-main/studies/study-service';
import { pydicomAvailable, runPydicom } from '../helpers/pydicom';
import { seedFiles } from '../helpers/seed-cache';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

/** pydicom's reading of the same file, as a tree: tag, keyword, VR, and values or items. */
const dumpScript = `
import json, sys, pydicom
TEXT = {'AE','AS','CS','DA','DS','DT','IS','LO','LT','PN','SH','ST','TM','UC','UI','UR','UT'}
NUMBERS = {'US','SS','UL','SL','FL','FD'}
def node(e):
    out = {"tag": "(%04X,%04X)" % (e.tag.group, e.tag.element), "keyword": e.keyword, "vr": e.VR}
    if e.VR == 'SQ':
        out["items"] = [dump(item) for item in e.value]
    elif e.VR in TEXT:
        values = e.value if isinstance(e.value, (list, pydicom.multival.MultiValue)) else [e.value]
        out["text"] = "\\\\".join("" if v is None else str(v) for v in values)
    elif e.VR in NUMBERS:
        values = e.value if isinstance(e.value, (list, pydicom.multival.MultiValue)) else ([] if e.value is None else [e.value])
        out["numbers"] = [float(v) for v in values]
    return out
def dump(ds):
    return [node(e) for e in ds]
ds = pydicom.dcmread(sys.argv[1])
print(json.dumps(dump(ds.file_meta) + dump(ds)))
`;
interface PydicomNode {
  tag: string;
  keyword: string;
  vr: string;
  text?: string;
  numbers?: number[];
  items?: PydicomNode[][];
}

/** Compares one level (and, recursively, every sequence item) of our tree with pydicom's. */
function compareTrees(ours: DicomTagNode[], theirs: PydicomNode[], where: string, counts: { elements: number }): void {
  expect(ours.map((node) => node.tag), where).toEqual(theirs.map((node) => node.tag));
  theirs.forEach((expected, index) => {
    const actual = ours[index]!;
    const at = `${where} ${expected.tag}`;
    counts.elements += 1;
    if (expected.keyword && !expected.tag.startsWith('(0002,0000')) expect(actual.keyword, at).toBe(expected.keyword);
    if (expected.items) {
      expect(actual.vr, at).toBe('SQ');
      expect(actual.items?.length, at).toBe(expected.items.length);
      expected.items.forEach((item, itemIndex) => compareTrees(actual.items![itemIndex]!, item, `${at}[${itemIndex}]`, counts));
      return;
    }
    if (expected.vr.length === 2) expect(actual.vr, at).toBe(expected.vr);
    if (expected.text !== undefined) expect(actual.value.replace(/ +$/, ''), at).toBe(expected.text.replace(/ +$/, ''));
    if (expected.numbers !== undefined) {
      const values = actual.value === '' ? [] : actual.value.split('\\').map(Number);
      expect(values.length, at).toBe(expected.numbers.length);
      values.forEach((value, valueIndex) => expect(value, at).toBeCloseTo(expected.numbers![valueIndex]!, 4));
    }
  });
}

const havePydicom = pydicomAvailable();
if (!havePydicom) console.warn('study-tags: skipped, /usr/bin/python3 with pydicom is not installed to read the expected tags.');

describe.skipIf(!havePydicom)('tags of an instance, read on demand', () => {
  const temp = makeTempDir();
  let service: StudyService;
  const files = {
    explicitLittle: sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm'),
    implicit: sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small_implicit.dcm'),
    bigEndian: sharedDataPath('dicom', 'conformance', 'pydicom', 'MR_small_bigendian.dcm'),
    nestedSequences: sharedDataPath('dicom', 'conformance', 'pydicom', 'rtplan.dcm'),
    deflated: sharedDataPath('dicom', 'conformance', 'pydicom', 'image_dfl.dcm'),
    realCt: sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', '14.dcm'),
  };
  const uids: Record<keyof typeof files, string> = {} as Record<keyof typeof files, string>;

  beforeAll(() => {
    const db = openCacheDatabase(temp.dir);
    for (const [name, file] of Object.entries(files) as [keyof typeof files, string][]) {
      let n = 0;
      uids[name] = seedFiles(db, temp.dir, [file], { mode: 'link', renameInstance: (uid) => (name === 'implicit' || name === 'bigEndian' ? `${uid}.${++n}${name.length}` : uid) })[0]!;
    }
    db.close();
    service = createStudyService(temp.dir);
  });
  afterAll(() => {
    service?.close();
    temp.cleanup();
  });

  for (const name of ['explicitLittle', 'implicit', 'bigEndian', 'nestedSequences', 'deflated', 'realCt'] as const) {
    it(`matches pydicom element by element (${name})`, () => {
      const expected = runPydicom<PydicomNode[]>(dumpScript, [files[name]]);
      const { tags } = service.tags(uids[name]);
      const counts = { elements: 0 };
      compareTrees(tags, expected, name, counts);
      expect(counts.elements).toBeGreaterThan(20);
    });
  }

  it('summarises pixel data instead of sending it', () => {
    const { tags, transferSyntaxUid } = service.tags(uids.realCt);
    expect(transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    const pixelData = tags.find((node) => node.tag === '(7FE0,0010)');
    expect(pixelData?.keyword).toBe('PixelData');
    expect(pixelData?.value).toBe('pixel data: 524288 bytes, 512×512');
    expect(JSON.stringify(tags).length).toBeLessThan(64_000);
  });

  it('nests sequence items', () => {
    const { tags } = service.tags(uids.nestedSequences);
    const beams = tags.find((node) => node.keyword === 'BeamSequence');
    expect(beams?.vr).toBe('SQ');
    expect(beams?.items?.[0]?.some((node) => node.keyword === 'ControlPointSequence' && (node.items?.length ?? 0) > 0)).toBe(true);
  });

  it('refuses an unknown instance in plain words', () => {
    expect(() => service.tags('1.2.3.4.5')).toThrow(/no instance with UID 1\.2\.3\.4\.5/);
  });
});
