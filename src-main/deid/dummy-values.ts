/**
 * Dummy values (action D): non-empty, valid for the VR, carrying nothing about anyone.
 * Values are in dcmjs's element form: strings, numbers, person-name objects, or bytes.
 */
export type ElementValue = unknown[];

const textDummy = 'ANONYMIZED';

export function dummyValue(vr: string): ElementValue {
  switch (vr) {
    case 'AE':
    case 'CS':
    case 'SH':
    case 'LO':
    case 'ST':
    case 'LT':
    case 'UT':
    case 'UC':
      return [textDummy];
    case 'PN':
      return [{ Alphabetic: textDummy }];
    case 'AS':
      return ['000Y'];
    case 'DA':
      return ['19000101'];
    case 'DT':
      return ['19000101000000'];
    case 'TM':
      return ['000000'];
    case 'DS':
    case 'IS':
      return [0];
    case 'UR':
      return ['urn:oid:2.25'];
    case 'FL':
    case 'FD':
    case 'SL':
    case 'SS':
    case 'UL':
    case 'US':
      return [0];
    case 'SV':
    case 'UV':
      return [0n];
    case 'AT':
      return [0];
    default:
      // OB, OW, OD, OF, OL, OV, UN and anything unknown: two zero bytes (even length).
      return [new ArrayBuffer(2)];
  }
}

/** VRs whose values are free text that could name someone. */
export const freeTextVrs = new Set(['ST', 'LT', 'UT', 'UC', 'LO', 'SH', 'PN']);
/** Free text that is not a code: replaced inside sequences the table replaces with dummies. */
export const narrativeVrs = new Set(['ST', 'LT', 'UT', 'UC', 'PN']);
export const temporalVrs = new Set(['DA', 'DT', 'TM']);
