import { createRequire } from 'node:module';

/**
 * The part of dcmjs Radstation uses. dcmjs ships no type declarations; loading it through
 * require and typing just these members keeps `any` out of the code without a global
 * `declare module` that other parts of the app could clash with.
 */
export type NaturalDataset = Record<string, unknown>;

interface DicomDictInstance {
  dict: Record<string, unknown>;
  write(): ArrayBuffer;
}

export interface DcmjsData {
  DicomMessage: {
    readFile(buffer: ArrayBuffer, options?: { untilTag?: string; includeUntilTagValue?: boolean }): { dict: Record<string, unknown>; meta: Record<string, unknown> };
  };
  DicomMetaDictionary: {
    naturalizeDataset(dict: Record<string, unknown>): NaturalDataset;
    denaturalizeDataset(dataset: NaturalDataset): Record<string, unknown>;
    uid(): string;
  };
  DicomDict: new (meta: Record<string, unknown>) => DicomDictInstance;
}

interface DcmjsLog {
  getLogger(name: string): { setLevel(level: 'silent' | 'error' | 'warn' | 'info'): void };
}

const require = createRequire(import.meta.url);
const dcmjs = require('dcmjs') as { data: DcmjsData; log: DcmjsLog };
export const dcmjsData = dcmjs.data;
// dcmjs prints "Invalid vr type …" on the process's stderr for every element of a damaged file
// whose VR it does not know (a de-identification pass over a fuzzed corpus printed 123 such lines).
// Nobody reads the main process's console: the element is kept as UN and the callers' own checks
// report what matters, so its validation log stays quiet.
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');

export function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}
