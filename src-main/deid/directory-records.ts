import type { DcmjsElement, DcmjsElementMap } from './dataset-access';

/**
 * The lowest-level records of a DICOMDIR: which Directory Record Type (PS3.3 F.3.2.2) an
 * instance gets by its SOP Class, and the keys that record carries (PS3.3 F.5). Type 1 keys a
 * de-identified file no longer has get a neutral dummy, type 2 keys go in empty, so the
 * directory stays valid whatever the profile removed.
 */

export const text = (vr: string, value: string): DcmjsElement => ({ vr, Value: value === '' ? [] : [value] });

/** The instance's element when it has a value, else a dummy (a type 1 key). */
export function copyOr(elements: DcmjsElementMap, tag: string, vr: string, dummy: string | number): DcmjsElement {
  const element = elements[tag];
  const value = element?.Value?.[0];
  if (element && value !== undefined && value !== null && value !== '') return element;
  return typeof dummy === 'number' ? { vr, Value: [dummy] } : text(vr, dummy);
}

/** The instance's element, or present and empty (a type 2 key). */
export function copyType2(elements: DcmjsElementMap, tag: string, vr: string): DcmjsElement {
  return elements[tag] ?? text(vr, '');
}

const storage = '1.2.840.10008.5.1.4.1.1.';

/** SOP Classes (after 1.2.840.10008.5.1.4.1.1.) whose instances have their own record type. */
const recordTypes = new Map<string, string>([
  ['481.2', 'RT DOSE'],
  ['481.3', 'RT STRUCTURE SET'],
  ['481.5', 'RT PLAN'],
  ['481.8', 'RT PLAN'], // RT Ion Plan
  ['481.4', 'RT TREAT RECORD'], // RT Beams Treatment Record
  ['481.6', 'RT TREAT RECORD'], // RT Brachy Treatment Record
  ['481.7', 'RT TREAT RECORD'], // RT Treatment Summary Record
  ['481.9', 'RT TREAT RECORD'], // RT Ion Beams Treatment Record
  ['88.59', 'KEY OBJECT DOC'],
  ['78.6', 'SR DOCUMENT'], // Spectacle Prescription Report
  ['66', 'RAW DATA'],
  ['66.1', 'REGISTRATION'], // Spatial Registration
  ['66.3', 'REGISTRATION'], // Deformable Spatial Registration
  ['66.2', 'FIDUCIAL'],
  ['66.5', 'SURFACE'], // Surface Segmentation
  ['66.6', 'TRACT'], // Tractography Results
  ['67', 'VALUE MAP'], // Real World Value Mapping
  ['77.1.5.3', 'STEREOMETRIC'],
  ['78.1', 'MEASUREMENT'], // Lensometry
  ['78.2', 'MEASUREMENT'], // Autorefraction
  ['78.3', 'MEASUREMENT'], // Keratometry
  ['78.4', 'MEASUREMENT'], // Subjective Refraction
  ['78.5', 'MEASUREMENT'], // Visual Acuity
  ['78.7', 'MEASUREMENT'], // Ophthalmic Axial Measurements
  ['80.1', 'MEASUREMENT'], // Ophthalmic Visual Field Static Perimetry
  ['90.1', 'ASSESSMENT'], // Content Assessment Results
  ['4.2', 'SPECTROSCOPY'], // MR Spectroscopy
  ['131', 'PRESENTATION'], // Basic Structured Display
]);

/** Second-generation radiotherapy objects (RT Physician Intent, RT Radiation Set…): 481.10 and above. */
function isSecondGenerationRt(suffix: string): boolean {
  const match = /^481\.(\d+)$/.exec(suffix);
  return match !== null && Number(match[1]) >= 10;
}

/** The record type an instance gets (PS3.3 F.4 and F.5), or undefined when this writer has none for it. */
export function recordTypeOf(sopClassUid: string, elements: DcmjsElementMap): string | undefined {
  const suffix = sopClassUid.startsWith(storage) ? sopClassUid.slice(storage.length) : '';
  const known = recordTypes.get(suffix);
  if (known) return known;
  if (isSecondGenerationRt(suffix)) return 'RADIOTHERAPY';
  if (suffix.startsWith('88.')) return 'SR DOCUMENT';
  if (suffix.startsWith('11.')) return 'PRESENTATION';
  if (suffix.startsWith('9.')) return 'WAVEFORM';
  if (suffix.startsWith('104.')) return 'ENCAP DOC';
  // Everything else with pixels is an image (CT, MR, US, SC, SEG, parametric maps, RT Image…).
  if (elements['7FE00010'] || elements['7FE00008'] || elements['7FE00009']) return 'IMAGE';
  return undefined;
}

const contentDateTime = (e: DcmjsElementMap): DcmjsElementMap => ({
  '00080023': copyOr(e, '00080023', 'DA', '19000101'),
  '00080033': copyOr(e, '00080033', 'TM', '000000'),
});

/** The Content Identification Macro (PS3.3 Table 10-12) as the record keys take it. */
const contentIdentification = (e: DcmjsElementMap): DcmjsElementMap => ({
  '00700080': copyOr(e, '00700080', 'CS', 'DEIDENTIFIED'),
  '00700081': copyType2(e, '00700081', 'LO'),
  '00700084': copyType2(e, '00700084', 'PN'),
});

/** The keys of a lowest-level record beyond Instance Number (PS3.3 F.5), by record type. */
const keysByType: Record<string, (e: DcmjsElementMap) => DcmjsElementMap> = {
  'SR DOCUMENT': (e) => ({
    ...contentDateTime(e),
    '0040A043': e['0040A043'] ?? { vr: 'SQ', Value: [] },
    '0040A491': copyOr(e, '0040A491', 'CS', 'PARTIAL'),
    '0040A493': copyOr(e, '0040A493', 'CS', 'UNVERIFIED'),
  }),
  'KEY OBJECT DOC': (e) => ({ ...contentDateTime(e), '0040A043': e['0040A043'] ?? { vr: 'SQ', Value: [] } }),
  PRESENTATION: (e) => ({
    ...contentIdentification(e),
    '00700082': copyOr(e, '00700082', 'DA', '19000101'),
    '00700083': copyOr(e, '00700083', 'TM', '000000'),
    ...(e['00081115'] ? { '00081115': e['00081115'] } : {}),
  }),
  'RT DOSE': (e) => ({ '3004000A': copyOr(e, '3004000A', 'CS', 'PLAN') }),
  'RT STRUCTURE SET': (e) => ({
    '30060002': copyOr(e, '30060002', 'SH', 'DEIDENTIFIED'),
    '30060008': copyType2(e, '30060008', 'DA'),
    '30060009': copyType2(e, '30060009', 'TM'),
  }),
  'RT PLAN': (e) => ({
    '300A0002': copyOr(e, '300A0002', 'SH', 'DEIDENTIFIED'),
    '300A0006': copyType2(e, '300A0006', 'DA'),
    '300A0007': copyType2(e, '300A0007', 'TM'),
  }),
  'RT TREAT RECORD': (e) => ({ '30080250': copyType2(e, '30080250', 'DA'), '30080251': copyType2(e, '30080251', 'TM') }),
  WAVEFORM: contentDateTime,
  'RAW DATA': contentDateTime,
  REGISTRATION: (e) => ({ ...contentDateTime(e), ...contentIdentification(e) }),
  FIDUCIAL: (e) => ({ ...contentDateTime(e), ...contentIdentification(e) }),
  'VALUE MAP': (e) => ({ ...contentDateTime(e), ...contentIdentification(e) }),
  MEASUREMENT: (e) => ({ ...contentDateTime(e), ...contentIdentification(e) }),
  SURFACE: (e) => ({ ...contentDateTime(e), ...contentIdentification(e) }),
  TRACT: (e) => ({ ...contentDateTime(e), ...contentIdentification(e) }),
  ASSESSMENT: (e) => ({ '00080012': copyOr(e, '00080012', 'DA', '19000101'), '00080013': copyType2(e, '00080013', 'TM') }),
  RADIOTHERAPY: (e) => ({
    ...(e['30100033'] ? { '30100033': e['30100033'] } : {}),
    ...(e['30100034'] ? { '30100034': e['30100034'] } : {}),
    '00700081': copyType2(e, '00700081', 'LO'),
    '00700084': copyType2(e, '00700084', 'PN'),
  }),
  'ENCAP DOC': (e) => ({
    '00080023': copyType2(e, '00080023', 'DA'),
    '00080033': copyType2(e, '00080033', 'TM'),
    '00420010': copyType2(e, '00420010', 'ST'),
    ...(e['0040E001'] ? { '0040E001': e['0040E001'] } : {}),
    '0040A043': e['0040A043'] ?? { vr: 'SQ', Value: [] },
    '00420012': copyOr(e, '00420012', 'LO', 'application/octet-stream'),
  }),
  SPECTROSCOPY: (e) => ({
    '00080008': copyOr(e, '00080008', 'CS', 'DERIVED'),
    ...contentDateTime(e),
    ...(e['00089092'] ? { '00089092': e['00089092'] } : {}),
    '00280008': copyOr(e, '00280008', 'IS', '1'),
    '00280010': copyOr(e, '00280010', 'US', 1),
    '00280011': copyOr(e, '00280011', 'US', 1),
    '00289001': copyOr(e, '00289001', 'UL', 1),
    '00289002': copyOr(e, '00289002', 'UL', 1),
  }),
};

/** The keys of a lowest-level record: Instance Number (every type but STEREOMETRIC), then its type's own. */
export function instanceKeys(recordType: string, elements: DcmjsElementMap, instanceIndex: number): DcmjsElementMap {
  if (recordType === 'STEREOMETRIC') return {};
  return { '00200013': copyOr(elements, '00200013', 'IS', String(instanceIndex)), ...(keysByType[recordType]?.(elements) ?? {}) };
}
