import fs from 'node:fs';
import path from 'node:path';
import { newUid } from '../../src-shared/dicom/uid';
import { dcmjsData } from '../dicom/dcmjs';
import { implementationClassUid, implementationVersionName } from '../dicom/part10';
import { firstString, type DcmjsElementMap } from './dataset-access';
import { copyOr, copyType2, instanceKeys, recordTypeOf, text } from './directory-records';
import { encodeExplicitLittleEndian, writeExplicitLittleEndian } from './write-explicit';

/**
 * Writes a DICOMDIR (PS3.10 file-set, PS3.3 Annex F Basic Directory IOD) for files that
 * already sit under the file-set's root with media-safe names (at most 8 components of
 * at most 8 upper-case letters, digits or underscores). Records follow the Patient →
 * Study → Series → instance hierarchy; type 1 keys a de-identified file no longer has
 * (an emptied Study Date, say) get a neutral dummy so the directory stays valid.
 */

const mediaStorageDirectory = '1.2.840.10008.1.3.10';
const explicitLittle = '1.2.840.10008.1.2.1';
const fileIdComponent = /^[A-Z0-9_]{1,8}$/;

export interface DicomdirResult {
  /** Files indexed by a record. */
  indexed: number;
  /** Files left out of the index (a kind of object this writer has no record type for), with why. */
  notIndexed: Array<{ file: string; reason: string }>;
}

interface InstanceEntry {
  fileId: string[];
  elements: DcmjsElementMap;
  meta: DcmjsElementMap;
  recordType: string;
}

function readEntry(rootDir: string, relative: string): InstanceEntry | { error: string } {
  const fileId = relative.split(path.sep);
  if (fileId.length > 8 || !fileId.every((part) => fileIdComponent.test(part))) return { error: 'its name is not a valid File ID for removable media' };
  const bytes = fs.readFileSync(path.join(rootDir, relative));
  const message = dcmjsData.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, { untilTag: '7FE00010', includeUntilTagValue: false });
  const elements = message.dict as DcmjsElementMap;
  const meta = message.meta as DcmjsElementMap;
  const sopClass = firstString(meta, '00020002') ?? firstString(elements, '00080016') ?? '';
  // Reading stops at Pixel Data, whose element is then present with no value.
  const recordType = recordTypeOf(sopClass, elements);
  if (!recordType) return { error: `no directory record type for SOP Class ${sopClass || '(none)'}` };
  return { fileId, elements, meta, recordType };
}

interface Node {
  keys: DcmjsElementMap;
  children: Map<string, Node>;
  entries: InstanceEntry[];
}

const newNode = (keys: DcmjsElementMap): Node => ({ keys, children: new Map(), entries: [] });

function childOf(parent: Node, key: string, keys: () => DcmjsElementMap): Node {
  let node = parent.children.get(key);
  if (!node) {
    node = newNode(keys());
    parent.children.set(key, node);
  }
  return node;
}

/** The hierarchy of records: patients by Patient ID, studies and series by UID, instances in file order. */
function buildTree(entries: InstanceEntry[]): Node {
  const root = newNode({});
  for (const entry of entries) {
    const e = entry.elements;
    const charset: DcmjsElementMap = e['00080005'] ? { '00080005': e['00080005'] } : {};
    const patientId = firstString(e, '00100020') || 'UNKNOWN';
    const patient = childOf(root, patientId, () => ({ ...charset, '00100010': copyType2(e, '00100010', 'PN'), '00100020': text('LO', patientId) }));
    const studyUid = firstString(e, '0020000D') ?? '';
    const study = childOf(patient, studyUid, () => ({
      ...charset,
      '00080020': copyOr(e, '00080020', 'DA', '19000101'),
      '00080030': copyOr(e, '00080030', 'TM', '000000'),
      '00081030': copyType2(e, '00081030', 'LO'),
      '0020000D': text('UI', studyUid),
      '00200010': copyOr(e, '00200010', 'SH', '1'),
      '00080050': copyType2(e, '00080050', 'SH'),
    }));
    const seriesUid = firstString(e, '0020000E') ?? '';
    const series = childOf(study, seriesUid, () => ({
      ...charset,
      '00080060': copyOr(e, '00080060', 'CS', 'OT'),
      '0020000E': text('UI', seriesUid),
      '00200011': copyOr(e, '00200011', 'IS', String(study.children.size + 1)),
    }));
    series.entries.push(entry);
  }
  return root;
}

interface RecordDraft {
  item: DcmjsElementMap;
  next?: RecordDraft;
  lower?: RecordDraft;
}

function record(type: string, keys: DcmjsElementMap): RecordDraft {
  return {
    item: {
      ...keys,
      '00041400': { vr: 'UL', Value: [0] },
      '00041410': { vr: 'US', Value: [0xffff] },
      '00041420': { vr: 'UL', Value: [0] },
      '00041430': text('CS', type),
    },
  };
}

/** Records in depth-first order (each record, then its lower level), linked as siblings and children. */
function flatten(root: Node): { records: RecordDraft[]; firstRoot?: RecordDraft; lastRoot?: RecordDraft } {
  const records: RecordDraft[] = [];
  const link = (drafts: RecordDraft[]): RecordDraft | undefined => {
    drafts.forEach((draft, index) => (draft.next = drafts[index + 1]));
    return drafts[0];
  };
  const instances = (entries: InstanceEntry[]): RecordDraft | undefined =>
    link(
      entries.map((entry, index) => {
        const draft = record(entry.recordType, {
          ...(entry.elements['00080005'] ? { '00080005': entry.elements['00080005'] } : {}),
          ...instanceKeys(entry.recordType, entry.elements, index + 1),
          '00041500': { vr: 'CS', Value: entry.fileId },
          '00041510': text('UI', firstString(entry.meta, '00020002') ?? ''),
          '00041511': text('UI', firstString(entry.meta, '00020003') ?? ''),
          '00041512': text('UI', firstString(entry.meta, '00020010') ?? explicitLittle),
        });
        records.push(draft);
        return draft;
      }),
    );
  const levels = ['PATIENT', 'STUDY', 'SERIES'] as const;
  const level = (nodes: Node[], depth: number): RecordDraft | undefined =>
    link(
      nodes.map((node) => {
        const draft = record(levels[depth] ?? 'SERIES', node.keys);
        records.push(draft);
        draft.lower = depth + 1 < levels.length ? level([...node.children.values()], depth + 1) : instances(node.entries);
        return draft;
      }),
    );
  const firstRoot = level([...root.children.values()], 0);
  let lastRoot = firstRoot;
  while (lastRoot?.next) lastRoot = lastRoot.next;
  return { records, firstRoot, lastRoot };
}

/**
 * Writes rootDir/DICOMDIR indexing the given files (paths relative to rootDir). Offsets count
 * bytes from the start of the file, preamble included (PS3.3 F.3.2.1), and are computed from
 * the encoded lengths of the records, which do not depend on the offsets' values.
 */
export function writeDicomdir(rootDir: string, relativeFiles: readonly string[], fileSetId = 'DEIDENTIFIED'): DicomdirResult {
  const result: DicomdirResult = { indexed: 0, notIndexed: [] };
  const entries: InstanceEntry[] = [];
  for (const relative of relativeFiles) {
    const entry = readEntry(rootDir, relative);
    if ('error' in entry) result.notIndexed.push({ file: relative, reason: entry.error });
    else entries.push(entry);
  }
  result.indexed = entries.length;
  const { records, firstRoot, lastRoot } = flatten(buildTree(entries));
  const fileSetUid = newUid();
  const meta: DcmjsElementMap = {
    '00020001': { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] },
    '00020002': text('UI', mediaStorageDirectory),
    '00020003': text('UI', fileSetUid),
    '00020010': text('UI', explicitLittle),
    '00020012': text('UI', implementationClassUid),
    '00020013': text('SH', implementationVersionName),
  };
  const header: DcmjsElementMap = {
    '00041130': text('CS', fileSetId),
    '00041200': { vr: 'UL', Value: [0] },
    '00041202': { vr: 'UL', Value: [0] },
    '00041212': { vr: 'US', Value: [0] },
  };
  // Where the first record starts: everything before the sequence, plus its 12-byte header.
  let offset = writeExplicitLittleEndian(meta, header).length + 12;
  const offsets = new Map<RecordDraft, number>();
  for (const draft of records) {
    offsets.set(draft, offset);
    offset += 8 + encodeExplicitLittleEndian(draft.item).length + 8; // item tag, the record, item delimiter
  }
  const at = (draft: RecordDraft | undefined): number => (draft ? (offsets.get(draft) ?? 0) : 0);
  for (const draft of records) {
    draft.item['00041400'] = { vr: 'UL', Value: [at(draft.next)] };
    draft.item['00041420'] = { vr: 'UL', Value: [at(draft.lower)] };
  }
  header['00041200'] = { vr: 'UL', Value: [at(firstRoot)] };
  header['00041202'] = { vr: 'UL', Value: [at(lastRoot)] };
  header['00041220'] = { vr: 'SQ', Value: records.map((draft) => draft.item) };
  const target = path.join(rootDir, 'DICOMDIR');
  fs.writeFileSync(`${target}.partial`, writeExplicitLittleEndian(meta, header));
  fs.renameSync(`${target}.partial`, target);
  return result;
}
