import type { DcmjsElementMap } from './dataset-access';
import { stringValues } from './dataset-access';

/** Attributes whose values name the patient, the staff or the place: looked for inside free text. */
const identityTags = [
  '00100010', // Patient's Name
  '00100020', // Patient ID
  '00101000', // Other Patient IDs
  '00101001', // Other Patient Names
  '00101005', // Patient's Birth Name
  '00101060', // Patient's Mother's Birth Name
  '00100030', // Patient's Birth Date
  '00101040', // Patient's Address
  '00102154', // Patient's Telephone Numbers
  '00080050', // Accession Number
  '00080080', // Institution Name
  '00080081', // Institution Address
  '00080090', // Referring Physician's Name
  '00081050', // Performing Physician's Name
  '00081060', // Name of Physician(s) Reading Study
  '00081070', // Operators' Name
  '00081010', // Station Name
  '00081040', // Institutional Department Name
  '00200010', // Study ID
];

/** Words of the identifying values in a data set (names split at ^ and spaces), longest first. */
export function identityWords(elements: DcmjsElementMap): string[] {
  const words = new Set<string>();
  for (const tag of identityTags) {
    for (const value of stringValues(elements[tag])) {
      const whole = value.trim();
      if (whole.length >= 2) words.add(whole);
      for (const part of whole.split(/[\^\s,=]+/)) if (part.length >= 3) words.add(part);
    }
  }
  return [...words].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Clean (action C) for a descriptor: the text stays, minus every identifying word this data
 * set carries, so "T1 MPRAGE for Doe^John" keeps its meaning and loses the name.
 */
export function scrubText(text: string, words: readonly string[]): string {
  let cleaned = text;
  for (const word of words) cleaned = cleaned.replace(new RegExp(escapeRegExp(word), 'gi'), '');
  return cleaned.replace(/\s{2,}/g, ' ').replace(/\^{2,}/g, '^').trim();
}
