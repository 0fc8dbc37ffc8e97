import safePrivateTable from './safe-private.json';
import { firstString, type DcmjsElementMap } from './dataset-access';

/**
 * The Retain Safe Private option's list: PS3.15 Table E.3.10-1, generated into safe-private.json
 * by build/deid/generate-safe-private.py (the file names its source and edition). A private
 * element is kept only when its own block's Private Creator, in the same data set or item,
 * names the creator the table lists for that group and element byte; a creator element is kept
 * when its block holds at least one kept element.
 */

export const safePrivateSource = { table: safePrivateTable.table, edition: safePrivateTable.edition, rows: safePrivateTable.rows.length };

/** "GGGG|EE|creator" for every row. */
const safeKeys = new Set(safePrivateTable.rows.map((row) => `${row.group}|${row.element}|${row.creator.trim()}`));

function creatorOf(elements: DcmjsElementMap, group: string, block: string): string | undefined {
  return firstString(elements, `${group}00${block}`);
}

/** Whether a private data element (gggg,bbee; bb ≥ 0x10) is on the list, judged by its own block's creator. */
function isSafeDataElement(elements: DcmjsElementMap, tag: string): boolean {
  const group = tag.slice(0, 4);
  const creator = creatorOf(elements, group, tag.slice(4, 6));
  return creator !== undefined && safeKeys.has(`${group}|${tag.slice(6, 8)}|${creator}`);
}

/** Private Creator elements are (gggg,0010) to (gggg,00FF); (gggg,0000-000F) are not data elements of a block. */
function isCreatorTag(tag: string): boolean {
  return tag.slice(4, 6) === '00' && Number.parseInt(tag.slice(6, 8), 16) >= 0x10;
}

/** Whether the Retain Safe Private option keeps this private tag of this data set (or item). */
export function isSafePrivate(elements: DcmjsElementMap, tag: string): boolean {
  if (isCreatorTag(tag)) {
    const group = tag.slice(0, 4);
    const block = tag.slice(6, 8);
    return Object.keys(elements).some((other) => other.startsWith(group) && other.slice(4, 6) === block && isSafeDataElement(elements, other));
  }
  if (Number.parseInt(tag.slice(4, 6), 16) < 0x10) return false;
  return isSafeDataElement(elements, tag);
}
