import type { DataSet, Element } from 'dicom-parser';
import type { DicomTagNode } from '../../src-shared/domain/studies';
import { characterSetFor, defaultCharacterSet, specificCharacterSetOf, type CharacterSet } from './charset';
import { NestingTooDeepError, maxSequenceDepth } from './sequence-depth';
import { describeTag, displayTag } from './tag-dictionary';

const maxShownValues = 32;
const maxTextLength = 1024;
const textVrs = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
/** VRs whose bytes may carry the Specific Character Set's encoding (PS3.5 §6.1.2.3). */
const characterSetVrs = new Set(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);

function clip(text: string): string {
  return text.length > maxTextLength ? `${text.slice(0, maxTextLength)}… (${text.length} characters)` : text;
}

function listNumbers(count: number, read: (index: number) => number | bigint | string | undefined): string {
  const shown: string[] = [];
  for (let index = 0; index < Math.min(count, maxShownValues); index += 1) shown.push(String(read(index)));
  return count > maxShownValues ? `${shown.join('\\')}\\… (${count} values)` : shown.join('\\');
}

function hexBytes(dataSet: DataSet, element: Element): string {
  const bytes = dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + Math.min(element.length, 16));
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  return element.length > 16 ? `${hex} … (${element.length} bytes)` : hex;
}

function pixelDataSummary(dataSet: DataSet, element: Element): string {
  const rows = dataSet.uint16('x00280010');
  const columns = dataSet.uint16('x00280011');
  const frames = dataSet.intString('x00280008') ?? 1;
  const shape = rows && columns ? `, ${columns}×${rows}${frames > 1 ? `×${frames} frames` : ''}` : '';
  if (element.encapsulatedPixelData) {
    const fragments = element.fragments?.length ?? 0;
    const bytes = element.fragments?.reduce((sum, fragment) => sum + fragment.length, 0) ?? 0;
    return `encapsulated pixel data: ${fragments} fragment${fragments === 1 ? '' : 's'}, ${bytes} bytes${shape}`;
  }
  return `pixel data: ${element.length} bytes${shape}`;
}

function decodeValue(dataSet: DataSet, element: Element, vr: string, charset: CharacterSet): string {
  const tag = element.tag;
  if (element.length === 0) return '';
  const view = new DataView(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + element.dataOffset, element.length);
  const littleEndian = dataSet.byteArrayParser.readUint16(new Uint8Array([1, 0]), 0) === 1;
  switch (vr) {
    case 'US':
      return listNumbers(element.length / 2, (index) => dataSet.uint16(tag, index));
    case 'SS':
      return listNumbers(element.length / 2, (index) => dataSet.int16(tag, index));
    case 'UL':
      return listNumbers(element.length / 4, (index) => dataSet.uint32(tag, index));
    case 'SL':
      return listNumbers(element.length / 4, (index) => dataSet.int32(tag, index));
    case 'FL':
      return listNumbers(element.length / 4, (index) => dataSet.float(tag, index));
    case 'FD':
      return listNumbers(element.length / 8, (index) => dataSet.double(tag, index));
    case 'SV':
      return listNumbers(Math.floor(element.length / 8), (index) => view.getBigInt64(index * 8, littleEndian));
    case 'UV':
      return listNumbers(Math.floor(element.length / 8), (index) => view.getBigUint64(index * 8, littleEndian));
    case 'AT':
      return listNumbers(element.length / 4, (index) => {
        const group = view.getUint16(index * 4, littleEndian);
        const number = view.getUint16(index * 4 + 2, littleEndian);
        return `(${group.toString(16).padStart(4, '0')},${number.toString(16).padStart(4, '0')})`.toUpperCase();
      });
    default:
      break;
  }
  if (textVrs.has(vr)) {
    const bytes = dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
    const text = characterSetVrs.has(vr) ? charset.decode(bytes, { personName: vr === 'PN' }) : defaultCharacterSet.decode(bytes);
    // Values are padded to even length with a space (or NUL for UI); leading spaces matter only in free text.
    const trimmed = text.replace(/[\0 ]+$/, '');
    return clip(vr === 'LT' || vr === 'ST' || vr === 'UT' ? trimmed : trimmed.trimStart());
  }
  return hexBytes(dataSet, element);
}

/** A value read from a possibly damaged data set; undefined where the read fails (dicom-parser throws on elements past the end). */
export function readOrUndefined<T>(read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/**
 * An element's value as text, or why it cannot be shown: a damaged file can announce more
 * bytes than it holds, and one bad element must not hide the rest of the tree.
 */
function safeValue(dataSet: DataSet, element: Element, vr: string, charset: CharacterSet): string {
  const available = dataSet.byteArray.length - element.dataOffset;
  if (element.length > available) return `(unreadable: announces ${element.length} bytes, the file holds ${Math.max(0, available)})`;
  try {
    return decodeValue(dataSet, element, vr, charset);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `(unreadable: ${reason.replace(/^dicomParser\.\w+: /, '')})`;
  }
}

/** What an implicit VR element's ambiguous dictionary VR resolves to, from the image's own attributes (PS3.5 Annex A.1). */
interface ImageContext {
  pixelRepresentation: number | undefined;
  bitsAllocated: number | undefined;
}

function implicitVr(element: Element, context: ImageContext): string {
  const description = describeTag(element.tag);
  if (element.items) return 'SQ';
  if (description.ambiguous === 'US or SS') return context.pixelRepresentation === 1 ? 'SS' : 'US';
  if (description.ambiguous === 'OB or OW') return (context.bitsAllocated ?? 16) <= 8 ? 'OB' : 'OW';
  return description.vr ?? 'UN';
}

/**
 * Turns a parsed data set into the tag browser's tree. Everything a person can read is
 * decoded; bulk binary data is summarised by size, never copied across. The tree is
 * recursive, and so is every later step with it (serialising, validating), so nesting past
 * maxSequenceDepth is refused here too, whoever parsed the data set.
 */
export function describeDataSet(dataSet: DataSet, inheritedCharacterSet?: string, inheritedContext?: ImageContext, depth = 0): DicomTagNode[] {
  if (depth > maxSequenceDepth) throw new NestingTooDeepError();
  // An item without its own Specific Character Set is read in its parent's.
  const characterSet = specificCharacterSetOf(dataSet) ?? inheritedCharacterSet;
  const charset = characterSetFor(characterSet);
  const context = inheritedContext ?? { pixelRepresentation: readOrUndefined(() => dataSet.uint16('x00280103')), bitsAllocated: readOrUndefined(() => dataSet.uint16('x00280100')) };
  return Object.keys(dataSet.elements)
    .sort()
    .map((key) => {
      const element = dataSet.elements[key] as Element;
      const description = describeTag(element.tag);
      const vr = element.vr || implicitVr(element, context);
      const length = element.hadUndefinedLength ? -1 : element.length;
      const node: DicomTagNode = { tag: displayTag(element.tag), keyword: description.keyword, vr, length, value: '' };
      if (element.items) {
        node.items = element.items.map((item) => (item.dataSet ? describeDataSet(item.dataSet, characterSet, context, depth + 1) : []));
        node.value = `${element.items.length} item${element.items.length === 1 ? '' : 's'}`;
      } else if (element.tag === 'x7fe00010' || element.tag === 'x7fe00008' || element.tag === 'x7fe00009') {
        node.value = pixelDataSummary(dataSet, element);
      } else {
        node.value = safeValue(dataSet, element, vr, charset);
      }
      return node;
    });
}
