import { createRequire } from 'node:module';

/**
 * dcmjs-dimse is a CommonJS bundle with its own type declarations. Loading it through
 * require keeps the ESM main bundle and tsx happy alike; its logger is silenced because the
 * CLI prints its own one-line messages and the library would otherwise log every PDU.
 */
const require = createRequire(import.meta.url);
export const dimse = require('dcmjs-dimse') as typeof import('dcmjs-dimse');
dimse.log.setLevel('silent');

export type DimseDataset = import('dcmjs-dimse').Dataset;
export type DimseClient = import('dcmjs-dimse').Client;
export type DimseRequest = import('dcmjs-dimse').requests.Request;
export type DimsePresentationContext = import('dcmjs-dimse').association.PresentationContext;
export type DimseAssociation = import('dcmjs-dimse').association.Association;
export type DimseStoreRequest = import('dcmjs-dimse').requests.CStoreRequest;

export const { Status, TransferSyntax, SopClass, StorageClass, RejectReason, RejectResult, RejectSource, PresentationContextResult } = dimse.constants;

/** Patient-root query/retrieve SOP classes, which dcmjs-dimse has no constants for (PS3.4 Annex C). */
export const PatientRootFind = '1.2.840.10008.5.1.4.1.2.1.1';
export const PatientRootMove = '1.2.840.10008.5.1.4.1.2.1.2';
export const PatientRootGet = '1.2.840.10008.5.1.4.1.2.1.3';

/**
 * The transfer syntaxes Radstation stores as received (the viewer decodes all of them), so an SCP
 * never needs to ask for transcoding. Deflated explicit VR is left out: the DIMSE stream would
 * need inflating before it could be stored with a plain header.
 */
export const storableTransferSyntaxes: readonly string[] = [
  '1.2.840.10008.1.2.1', // Explicit VR Little Endian
  '1.2.840.10008.1.2', // Implicit VR Little Endian
  '1.2.840.10008.1.2.2', // Explicit VR Big Endian
  '1.2.840.10008.1.2.5', // RLE Lossless
  '1.2.840.10008.1.2.4.50', // JPEG Baseline
  '1.2.840.10008.1.2.4.51', // JPEG Extended
  '1.2.840.10008.1.2.4.57', // JPEG Lossless
  '1.2.840.10008.1.2.4.70', // JPEG Lossless SV1
  '1.2.840.10008.1.2.4.80', // JPEG-LS Lossless
  '1.2.840.10008.1.2.4.81', // JPEG-LS Near-Lossless
  '1.2.840.10008.1.2.4.90', // JPEG 2000 Lossless
  '1.2.840.10008.1.2.4.91', // JPEG 2000
  '1.2.840.10008.1.2.4.201', // HTJ2K Lossless
  '1.2.840.10008.1.2.4.202', // HTJ2K Lossless RPCL
  '1.2.840.10008.1.2.4.203', // HTJ2K
  '1.2.840.10008.1.2.8.1', // Deflated Image Frame Compression
];

/** Every storage SOP class dcmjs-dimse knows, plus the SR and SEG classes Radstation itself writes. */
export function storageSopClasses(): string[] {
  const known = Object.values(StorageClass as Record<string, string>);
  const extra = ['1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.30', '1.2.840.10008.5.1.4.1.1.88.11', '1.2.840.10008.5.1.4.1.1.7'];
  return [...new Set([...known, ...extra])];
}

export function isStorageSopClass(uid: string): boolean {
  // Storage classes all live under 1.2.840.10008.5.1.4.1.1 (PS3.4 Annex B), so unknown new ones are accepted too.
  return uid.startsWith('1.2.840.10008.5.1.4.1.1.') || storageSopClasses().includes(uid);
}
