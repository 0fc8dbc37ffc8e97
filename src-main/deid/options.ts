import { profileOptions, type BasicAction, type ProfileOption, type ProfileRow } from './profile-table';

/** Names the user types (--option NAME), one for each option of Table E.1-1. */
export const optionCliNames: Record<ProfileOption, string> = {
  retainSafePrivate: 'retain-safe-private',
  retainUids: 'retain-uids',
  retainDeviceIdentity: 'retain-device-identity',
  retainInstitutionIdentity: 'retain-institution-identity',
  retainPatientCharacteristics: 'retain-patient-characteristics',
  retainLongFullDates: 'retain-long-full-dates',
  retainLongModifiedDates: 'retain-long-modified-dates',
  cleanDescriptors: 'clean-descriptors',
  cleanStructuredContent: 'clean-structured-content',
  cleanGraphics: 'clean-graphics',
};

export interface CodedConcept {
  readonly value: string;
  readonly meaning: string;
}

/** CID 7050 (De-identification Method) codes, scheme DCM (PS3.16), for the profile and each option applied. */
export const basicProfileCode: CodedConcept = { value: '113100', meaning: 'Basic Application Confidentiality Profile' };
export const cleanPixelDataCode: CodedConcept = { value: '113101', meaning: 'Clean Pixel Data Option' };
export const optionCodes: Record<ProfileOption, CodedConcept> = {
  cleanGraphics: { value: '113103', meaning: 'Clean Graphics Option' },
  cleanStructuredContent: { value: '113104', meaning: 'Clean Structured Content Option' },
  cleanDescriptors: { value: '113105', meaning: 'Clean Descriptors Option' },
  retainLongFullDates: { value: '113106', meaning: 'Retain Longitudinal Temporal Information Full Dates Option' },
  retainLongModifiedDates: { value: '113107', meaning: 'Retain Longitudinal Temporal Information Modified Dates Option' },
  retainPatientCharacteristics: { value: '113108', meaning: 'Retain Patient Characteristics Option' },
  retainDeviceIdentity: { value: '113109', meaning: 'Retain Device Identity Option' },
  retainUids: { value: '113110', meaning: 'Retain UIDs Option' },
  retainSafePrivate: { value: '113111', meaning: 'Retain Safe Private Option' },
  retainInstitutionIdentity: { value: '113112', meaning: 'Retain Institution Identity Option' },
};

/** Parses the user's option names; unknown names and contradictory pairs are the user's to fix. */
export function parseOptionNames(names: readonly string[]): ProfileOption[] {
  const byCliName = new Map(profileOptions.map((option) => [optionCliNames[option], option]));
  const chosen = new Set<ProfileOption>();
  for (const name of names) {
    const option = byCliName.get(name) ?? profileOptions.find((candidate) => candidate === name);
    if (!option) throw new Error(`unknown de-identification option "${name}"; the options are ${Object.values(optionCliNames).join(', ')}`);
    chosen.add(option);
  }
  if (chosen.has('retainLongFullDates') && chosen.has('retainLongModifiedDates')) {
    throw new Error('choose one of retain-long-full-dates and retain-long-modified-dates, not both');
  }
  return profileOptions.filter((option) => chosen.has(option));
}

/** The action an attribute gets: Keep from any chosen option wins over Clean, and either over the Basic Profile. */
export function chosenAction(row: ProfileRow, options: ReadonlySet<ProfileOption>): BasicAction | 'K' | 'C' {
  let clean = false;
  for (const option of options) {
    const action = row.options[option];
    if (action === 'K') return 'K';
    if (action === 'C') clean = true;
  }
  return clean ? 'C' : row.basic;
}

/** What is done to an attribute that is present. */
export type AppliedAction = 'X' | 'Z' | 'D' | 'U' | 'K' | 'C';

/**
 * Resolves a combined action for an attribute that is present. The table's combined actions
 * remove (X) or empty (Z) unless the IOD requires the attribute; without the IOD's module tables
 * the engine keeps an attribute the source has, emptied (Z) or replaced by a dummy (D), or with
 * its UIDs remapped (U). The original value never survives either way, and the output keeps
 * every attribute its IOD may require, so validators find no new missing attribute.
 */
export function resolveCombined(action: BasicAction | 'K' | 'C'): AppliedAction {
  switch (action) {
    case 'X/Z':
      return 'Z';
    case 'X/D':
    case 'Z/D':
    case 'X/Z/D':
      return 'D';
    case 'X/Z/U*':
      return 'U';
    default:
      return action;
  }
}
