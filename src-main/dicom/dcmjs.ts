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

const require = createRequire(import.meta.url);
export const dcmjsData = (require('dcmjs') as { data: DcmjsData }).data;

export function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}
