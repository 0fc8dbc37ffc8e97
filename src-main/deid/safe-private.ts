import safePrivateTable from './safe-private.json';
import { firstString, type DcmjsElementMap } from './dataset-access';
import { declaredSafe, type DeclaredPrivateBlocks } from './declared-private';

/**
 * The Retain Safe Private option's list: PS3.15 Table E.3.10-1, generated into safe-private.json
 * by build/deid/generate-safe-private.py (the file names its source and edition). A private
 * element is kept only when its own block's Private Creator, in the same data set or item,
 * names the creator the table lists for that group and element byte; a creator element is kept
 * when its block holds at least one kept element. What the instance itself declares in its
 * Private Data Element Characteristics Sequence (declared-private.ts) comes first: a block it
 * declares SAFE (or elements of a MIXED block it lists as nonidentifying) is kept even when the
 * table does not list it, and one it declares identifying goes even when the table lists it.
 */

export const safePrivateSource = { table: safePrivateTable.table, edition: safePrivateTable.edition, rows: safePrivateTable.rows.length };

/** "GGGG|EE|creator" for every row. */
const safeKeys = new Set(safePrivateTable.rows.map((row) => `${row.group}|${row.element}|${row.creator.trim()}`));

function creatorOf(elements: DcmjsElementMap, group: string, block: string): string | undefined {
  return firstString(elements, `${group}00${block}`);
}

/** Whether a private data element (gggg,bbee; bb ≥ 0x10) is safe, judged by its own block's creator. */
function isSafeDataElement(elements: DcmjsElementMap, tag: string, declared: DeclaredPrivateBlocks): boolean {
  const group = tag.slice(0, 4);
  const creator = creatorOf(elements, group, tag.slice(4, 6));
  if (creator === undefined) return false;
  const ownWord = declaredSafe(declared, group, creator, Number.parseInt(tag.slice(6, 8), 16));
  return ownWord ?? safeKeys.has(`${group}|${tag.slice(6, 8)}|${creator.trim()}`);
}

/** Private Creator elements are (gggg,0010) to (gggg,00FF); (gggg,0000-000F) are not data elements of a block. */
function isCreatorTag(tag: string): boolean {
  return tag.slice(4, 6) === '00' && Number.parseInt(tag.slice(6, 8), 16) >= 0x10;
}

/** Whether the Retain Safe Private option keeps this private tag of this data set (or item). */
export function isSafePrivate(elements: DcmjsElementMap, tag: string, declared: DeclaredPrivateBlocks = new Map()): boolean {
  if (isCreatorTag(tag)) {
    const group = tag.slice(0, 4);
    const block = tag.slice(6, 8);
    return Object.keys(elements).some((other) => other.startsWith(group) && other.slice(4, 6) === block && isSafeDataElement(elements, other, declared));
  }
  if (Number.parseInt(tag.slice(4, 6), 16) < 0x10) return false;
  return isSafeDataElement(elements, tag, declared);
}
