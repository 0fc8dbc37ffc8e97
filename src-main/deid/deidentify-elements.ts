import { dummyValue, freeTextVrs, narrativeVrs } from './dummy-values';
import type { DcmjsElement, DcmjsElementMap } from './dataset-access';
import { shiftDate, shiftDateTime, type KeyedValues } from './keyed-values';
import { chosenAction, resolveCombined, type AppliedAction } from './options';
import { profileRowFor, type ProfileOption, type ProfileRow } from './profile-table';
import { scrubText } from './text-scrub';
import { isSafePrivate } from './safe-private';
import { declaredPrivateBlocks, type DeclaredPrivateBlocks } from './declared-private';

export interface ElementContext {
  readonly options: ReadonlySet<ProfileOption>;
  readonly keyed: KeyedValues;
  /** Days every date moves (Retain Longitudinal Temporal Information Modified Dates), or undefined. */
  readonly dateShiftDays: number | undefined;
  /** Identifying words of this data set, removed from text that is cleaned. */
  readonly identityWords: readonly string[];
  /** What the instance declares about its private blocks (0008,0300); read from its top level when absent. */
  readonly declaredPrivate?: DeclaredPrivateBlocks;
}

/**
 * How text not listed in the table is treated inside a sequence: as it is, replaced by dummies
 * (a sequence the table replaces, action D), or cleaned of identifying words (action C).
 */
type Inherited = 'as-is' | 'dummy' | 'clean';

const patientIdTag = '00100020';
const overlayDataElement = '3000';

function items(element: DcmjsElement): DcmjsElementMap[] {
  return (element.Value ?? []).filter((item): item is DcmjsElementMap => typeof item === 'object' && item !== null && !(item instanceof ArrayBuffer));
}

function replace(element: DcmjsElement, value: unknown[]): void {
  element.Value = value;
  delete element._rawValue;
}

function mapUids(element: DcmjsElement, context: ElementContext): void {
  const values = (element.Value ?? []).map((value) => (typeof value === 'string' && value.trim() !== '' ? context.keyed.uid(value) : value));
  replace(element, values);
}

function cleanText(element: DcmjsElement, context: ElementContext): void {
  const values = (element.Value ?? []).map((value) => {
    if (typeof value === 'string') return scrubText(value, context.identityWords);
    if (value && typeof value === 'object' && 'Alphabetic' in value) {
      const name = (value as { Alphabetic?: unknown }).Alphabetic;
      return { Alphabetic: typeof name === 'string' ? scrubText(name, context.identityWords) : '' };
    }
    return value;
  });
  replace(element, values);
}

function shiftDates(element: DcmjsElement, context: ElementContext): void {
  const days = context.dateShiftDays;
  const shift = element.vr === 'DA' ? shiftDate : shiftDateTime;
  const values = (element.Value ?? []).map((value) => {
    if (typeof value !== 'string' || value.trim() === '') return value;
    const shifted = days === undefined ? undefined : shift(value, days);
    return shifted ?? (dummyValue(element.vr)[0] as string);
  });
  replace(element, values);
}

/** Action C: the value stays in meaning, without what identifies. */
function clean(element: DcmjsElement, context: ElementContext): void {
  const vr = element.vr;
  if (vr === 'DA' || vr === 'DT') shiftDates(element, context);
  else if (vr === 'AE') replace(element, (element.Value ?? []).map((value) => (typeof value === 'string' && value.trim() ? context.keyed.pseudonym('AE', value, 8) : value)));
  else if (freeTextVrs.has(vr)) cleanText(element, context);
  // TM keeps its value (a whole-day date shift leaves times as they are); OB/OW graphics stay as drawn.
}

/** Text and times not listed in the table, inside a sequence whose contents are replaced or cleaned. */
function applyInherited(element: DcmjsElement, inherited: Inherited, context: ElementContext): void {
  if (inherited === 'as-is' || !element.Value || element.Value.length === 0) return;
  const vr = element.vr;
  if (inherited === 'dummy') {
    if (narrativeVrs.has(vr) || vr === 'DA' || vr === 'DT' || vr === 'TM') replace(element, dummyValue(vr));
    return;
  }
  if (freeTextVrs.has(vr)) cleanText(element, context);
  else if (vr === 'DA' || vr === 'DT') shiftDates(element, context);
}

function apply(elements: DcmjsElementMap, tag: string, row: ProfileRow, action: AppliedAction, inherited: Inherited, context: ElementContext): void {
  const element = elements[tag];
  if (!element) return;
  const isSequence = element.vr === 'SQ';
  switch (action) {
    case 'X':
      delete elements[tag];
      return;
    case 'Z':
      replace(element, []);
      return;
    case 'D':
      if (isSequence) deidentifyItems(element, 'dummy', context);
      else if (element.vr === 'UI') mapUids(element, context);
      else if (tag === patientIdTag) {
        // A pseudonym rather than one shared dummy, so different patients stay apart in the cache.
        const original = (element.Value ?? []).find((value): value is string => typeof value === 'string') ?? '';
        replace(element, [context.keyed.pseudonym('ANON-', original)]);
      } else replace(element, dummyValue(element.vr));
      return;
    case 'U':
      if (isSequence) deidentifyItems(element, inherited, context);
      else if (element.vr === 'UI') mapUids(element, context);
      else replace(element, dummyValue(element.vr));
      return;
    case 'K':
      if (isSequence) deidentifyItems(element, inherited, context);
      return;
    case 'C':
      if (row.tag === 'private') {
        // Retain Safe Private: only what Table E.3.10-1 lists for the element's own Private Creator.
        if (!isSafePrivate(elements, tag, context.declaredPrivate)) delete elements[tag];
        else if (isSequence) deidentifyItems(element, 'clean', context);
      } else if (isSequence) deidentifyItems(element, 'clean', context);
      else clean(element, context);
      return;
  }
}

function deidentifyItems(element: DcmjsElement, inherited: Inherited, context: ElementContext): void {
  for (const item of items(element)) deidentifyLevel(item, inherited, context);
  delete element._rawValue;
}

function deidentifyLevel(elements: DcmjsElementMap, inherited: Inherited, context: ElementContext): void {
  const removedOverlayGroups: string[] = [];
  for (const tag of Object.keys(elements)) {
    const row = profileRowFor(tag);
    if (!row) {
      const element = elements[tag];
      if (!element) continue;
      if (element.vr === 'SQ') deidentifyItems(element, inherited, context);
      else applyInherited(element, inherited, context);
      continue;
    }
    const action = resolveCombined(chosenAction(row, context.options));
    apply(elements, tag, row, action, inherited, context);
    if (action === 'X' && tag.startsWith('60') && tag.slice(4) === overlayDataElement) removedOverlayGroups.push(tag.slice(0, 4));
  }
  // An overlay without its data is an invalid Overlay Plane: the whole group goes with it.
  for (const group of removedOverlayGroups) for (const tag of Object.keys(elements)) if (tag.startsWith(group)) delete elements[tag];
}

/** Applies Table E.1-1 with the chosen options to a data set and every sequence item in it, in place. */
export function deidentifyElements(elements: DcmjsElementMap, context: ElementContext): void {
  // Read before anything changes: the declarations name blocks at every level of the instance.
  deidentifyLevel(elements, 'as-is', { ...context, declaredPrivate: context.declaredPrivate ?? declaredPrivateBlocks(elements) });
}
