import { firstString, type DcmjsElement, type DcmjsElementMap } from './dataset-access';

/**
 * What an instance says about its own private blocks, in the Private Data Element
 * Characteristics Sequence (0008,0300) of the SOP Common Module (PS3.3 C.12.1.1.7), for the
 * Retain Safe Private option (PS3.15 E.3.10): a block is SAFE, UNSAFE or MIXED; for MIXED,
 * Nonidentifying Private Elements lists the element bytes (00-FF) that are safe.
 */
export interface DeclaredBlock {
  status: 'SAFE' | 'UNSAFE' | 'MIXED';
  /** Element bytes declared safe (MIXED); identifying ones (Deidentification Action Sequence) are never in it. */
  safeElements: ReadonlySet<number>;
}

/** Blocks by "GGGG|creator" (group in upper-case hex, creator trimmed). */
export type DeclaredPrivateBlocks = ReadonlyMap<string, DeclaredBlock>;

const characteristicsSequence = '00080300';
const privateGroupReference = '00080301';
const privateCreatorReference = '00080302';
const blockStatus = '00080303';
const nonidentifyingElements = '00080304';
const deidentificationActionSequence = '00080305';
const identifyingElements = '00080306';

function items(element: DcmjsElement | undefined): DcmjsElementMap[] {
  return (element?.Value ?? []).filter((item): item is DcmjsElementMap => typeof item === 'object' && item !== null && !(item instanceof ArrayBuffer));
}

/** US values, also when read without a dictionary entry as raw little-endian bytes (UN, implicit VR). */
function unsignedShorts(element: DcmjsElement | undefined): number[] {
  const values: number[] = [];
  for (const value of element?.Value ?? []) {
    if (typeof value === 'number') values.push(value);
    else if (value instanceof ArrayBuffer) {
      const view = new DataView(value);
      for (let offset = 0; offset + 1 < value.byteLength; offset += 2) values.push(view.getUint16(offset, true));
    }
  }
  return values;
}

function text(element: DcmjsElement | undefined): string | undefined {
  const value = element?.Value?.[0];
  if (typeof value === 'string') return value;
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString('latin1').replace(/\0+$/, '');
  return undefined;
}

export function blockKey(group: string, creator: string): string {
  return `${group.toUpperCase()}|${creator.trim()}`;
}

/**
 * The declarations of a data set's top level. An item without a group, a creator or a status
 * it knows declares nothing (its block stays judged by the checked-in table alone).
 */
export function declaredPrivateBlocks(elements: DcmjsElementMap): DeclaredPrivateBlocks {
  const blocks = new Map<string, DeclaredBlock>();
  for (const item of items(elements[characteristicsSequence])) {
    const group = unsignedShorts(item[privateGroupReference])[0];
    const creator = text(item[privateCreatorReference]) ?? firstString(item, privateCreatorReference);
    const status = (text(item[blockStatus]) ?? '').trim().toUpperCase();
    if (group === undefined || group % 2 === 0 || !creator?.trim()) continue;
    if (status !== 'SAFE' && status !== 'UNSAFE' && status !== 'MIXED') continue;
    const identifying = new Set(items(item[deidentificationActionSequence]).flatMap((action) => unsignedShorts(action[identifyingElements])));
    const safeElements = new Set(status === 'MIXED' ? unsignedShorts(item[nonidentifyingElements]).filter((byte) => byte <= 0xff && !identifying.has(byte)) : []);
    blocks.set(blockKey(group.toString(16).padStart(4, '0'), creator), { status, safeElements });
  }
  return blocks;
}

/**
 * What the instance declares about one private element byte of a block: true (safe), false
 * (identifying: UNSAFE, or MIXED and not listed as nonidentifying) or undefined (not declared).
 */
export function declaredSafe(blocks: DeclaredPrivateBlocks, group: string, creator: string, elementByte: number): boolean | undefined {
  const block = blocks.get(blockKey(group, creator));
  if (!block) return undefined;
  if (block.status === 'SAFE') return true;
  if (block.status === 'UNSAFE') return false;
  return block.safeElements.has(elementByte);
}
