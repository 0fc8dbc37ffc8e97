import tableDocument from './table-e1-1.json';

/** The Basic Profile's actions as Table E.1-1 writes them (PS3.15 E.1.1). */
export type BasicAction = 'D' | 'Z' | 'X' | 'U' | 'X/Z' | 'X/D' | 'Z/D' | 'X/Z/D' | 'X/Z/U*';
/** What an option column may say: keep, or clean. */
export type OptionAction = 'K' | 'C';

/** The options of Table E.1-1, by the names the generated table uses for its columns. */
export const profileOptions = [
  'retainSafePrivate',
  'retainUids',
  'retainDeviceIdentity',
  'retainInstitutionIdentity',
  'retainPatientCharacteristics',
  'retainLongFullDates',
  'retainLongModifiedDates',
  'cleanDescriptors',
  'cleanStructuredContent',
  'cleanGraphics',
] as const;
export type ProfileOption = (typeof profileOptions)[number];

export interface ProfileRow {
  readonly name: string;
  /** Eight upper-case hex digits, with X for a repeating group's wildcard digits, or "private". */
  readonly tag: string;
  readonly keyword: string;
  readonly vr: string;
  readonly basic: BasicAction;
  readonly options: Partial<Record<ProfileOption, OptionAction>>;
}

interface TableDocument {
  standard: string;
  table: string;
  edition: string;
  source: { file: string; sha256: string; extractedBy: string; commit: string };
  rows: Array<Record<string, unknown> & { name: string; tag: string; keyword: string; vr: string; basic: BasicAction }>;
}

const document = tableDocument as unknown as TableDocument;

export const profileEdition = {
  standard: document.standard,
  table: document.table,
  edition: document.edition,
  source: document.source,
};

export const profileRows: readonly ProfileRow[] = document.rows.map((row) => {
  const options: Partial<Record<ProfileOption, OptionAction>> = {};
  for (const option of profileOptions) {
    const action = row[option];
    if (action === 'K' || action === 'C') options[option] = action;
  }
  return { name: row.name, tag: row.tag, keyword: row.keyword, vr: row.vr, basic: row.basic, options };
});

const exactRows = new Map<string, ProfileRow>();
const repeatingRows: Array<{ row: ProfileRow; groupHigh: number; element: string | undefined }> = [];
let privateRow: ProfileRow | undefined;
for (const row of profileRows) {
  if (row.tag === 'private') privateRow = row;
  else if (row.tag.includes('X')) {
    // Repeating groups (50xx curves, 60xx overlays): the high byte of the group is fixed.
    const element = row.tag.slice(4);
    repeatingRows.push({ row, groupHigh: Number.parseInt(row.tag.slice(0, 2), 16), element: element.includes('X') ? undefined : element });
  } else exactRows.set(row.tag, row);
}
if (!privateRow) throw new Error('Table E.1-1 has no row for private attributes');
export const privateAttributesRow: ProfileRow = privateRow;

export function isPrivateTag(tag: string): boolean {
  return (Number.parseInt(tag.slice(0, 4), 16) & 1) === 1;
}

/** The table's row for a tag (eight upper-case hex digits), or undefined when the table does not list it. */
export function profileRowFor(tag: string): ProfileRow | undefined {
  const exact = exactRows.get(tag);
  if (exact) return exact;
  if (isPrivateTag(tag)) return privateAttributesRow;
  const group = Number.parseInt(tag.slice(0, 4), 16);
  for (const candidate of repeatingRows) {
    if (group >> 8 !== candidate.groupHigh || (group & 1) === 1) continue;
    if (candidate.element === undefined || candidate.element === tag.slice(4)) return candidate.row;
  }
  return undefined;
}
