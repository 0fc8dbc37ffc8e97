/// <reference path="../types/dcmjs.d.ts" />
import dcmjs from 'dcmjs';

export interface TagDescription {
  keyword: string;
  /** The dictionary's VR; for elements with alternatives ("US or SS", "ox") the first is taken. */
  vr: string | undefined;
  /** The dictionary allows two VRs; an implicit VR file's element needs context to pick one. */
  ambiguous?: 'US or SS' | 'OB or OW';
}

/** "x0020000d" (dicom-parser's form) → "(0020,000D)" (the dictionary's and people's form). */
export function displayTag(parserTag: string): string {
  const hex = parserTag.replace(/^x/i, '').toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4, 8)})`;
}

/** Overlay and curve groups repeat (6000-601E, 5000-501E); the dictionary lists them once as 60xx/50xx. */
function repeatingGroupKey(display: string): string | undefined {
  const match = /^\((5|6)0([0-9A-F]{2}),([0-9A-F]{4})\)$/.exec(display);
  if (!match) return undefined;
  return `(${match[1]}0xx,${match[3]})`;
}

export function describeTag(parserTag: string): TagDescription {
  const display = displayTag(parserTag);
  const group = parseInt(display.slice(1, 5), 16);
  const element = parseInt(display.slice(6, 10), 16);
  if (element === 0) return { keyword: 'GroupLength', vr: 'UL' };
  if (group % 2 === 1) {
    return element >= 0x10 && element <= 0xff ? { keyword: 'PrivateCreator', vr: 'LO' } : { keyword: 'Private', vr: undefined };
  }
  const dictionary = dcmjs.data.DicomMetaDictionary.dictionary;
  const repeating = repeatingGroupKey(display);
  const entry = dictionary[display] ?? (repeating ? dictionary[repeating] : undefined);
  if (!entry) return { keyword: 'Unknown', vr: undefined };
  // dcmjs writes ambiguous VRs in lower case: "ox" (OB or OW), "xs" (US or SS).
  if (entry.vr === 'xs') return { keyword: entry.name, vr: 'US', ambiguous: 'US or SS' };
  if (entry.vr === 'ox') return { keyword: entry.name, vr: 'OW', ambiguous: 'OB or OW' };
  return { keyword: entry.name, vr: entry.vr.slice(0, 2).toUpperCase() };
}
