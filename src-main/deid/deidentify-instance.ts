import type { HeldBackImage } from '../../src-shared/contract/deidentify';
import { dcmjsData } from '../dicom/dcmjs';
import { implementationClassUid, implementationVersionName } from '../dicom/part10';
import { burnedInReason, unprotectableReason } from './burned-in';
import { blackOutRectangles, type PixelRect } from './clean-pixels';
import { firstString, setElement, type DcmjsElementMap } from './dataset-access';
import { readFileLayout } from './file-meta';
import { writeExplicitLittleEndian } from './write-explicit';
import { explicitPixelHeader, locatePixelData, swapToLittleEndian } from './pixel-element';
import { deidentifyElements } from './deidentify-elements';
import type { KeyedValues } from './keyed-values';
import { basicProfileCode, cleanPixelDataCode, optionCodes, type CodedConcept } from './options';
import { profileEdition, type ProfileOption } from './profile-table';
import { identityWords } from './text-scrub';

/** What the user decided for an image that may carry burned-in text. */
export type BurnedInDecision = { mode: 'exclude' } | { mode: 'confirm-clean' } | { mode: 'clean-pixels'; rects: PixelRect[] };

export interface InstanceSettings {
  readonly options: ReadonlySet<ProfileOption>;
  readonly keyed: KeyedValues;
  /** Asked only for images flagged as possibly carrying burned-in text; excluded when absent. */
  readonly burnedIn?: (sopInstanceUid: string) => BurnedInDecision;
}

export type InstanceOutcome =
  | {
      kind: 'written';
      data: Buffer;
      original: { studyInstanceUid: string; seriesInstanceUid: string; sopInstanceUid: string };
      studyInstanceUid: string;
      seriesInstanceUid: string;
      sopInstanceUid: string;
      burnedIn?: 'cleaned' | 'confirmed';
    }
  | { kind: 'excluded'; reason: string; burnedIn: boolean };



function codeItem(code: CodedConcept): DcmjsElementMap {
  return {
    '00080100': { vr: 'SH', Value: [code.value] },
    '00080102': { vr: 'SH', Value: ['DCM'] },
    '00080104': { vr: 'LO', Value: [code.meaning] },
  };
}

/** The key a patient's date shift hangs on: the original identity, never written out. */
function patientKey(elements: DcmjsElementMap): string {
  const id = firstString(elements, '00100020') ?? '';
  if (id) return `id:${id}|${firstString(elements, '00100021') ?? ''}`;
  return `name:${firstString(elements, '00100010') ?? ''}|${firstString(elements, '00100030') ?? ''}`;
}

function recordMethod(elements: DcmjsElementMap, options: ReadonlySet<ProfileOption>, burnedIn: 'cleaned' | 'confirmed' | undefined): void {
  const codes = [basicProfileCode, ...[...options].map((option) => optionCodes[option])];
  if (burnedIn === 'cleaned') codes.push(cleanPixelDataCode);
  const method = [`DICOM PS3.15 ${profileEdition.edition} Basic Profile`];
  if (burnedIn === 'cleaned') method.push('burned-in text blacked out by the user');
  if (burnedIn === 'confirmed') method.push('no burned-in text, confirmed by the user');
  setElement(elements, '00120062', 'CS', ['YES']);
  setElement(elements, '00120063', 'LO', method);
  setElement(elements, '00120064', 'SQ', codes.map(codeItem));
  const temporal = options.has('retainLongFullDates') ? 'UNMODIFIED' : options.has('retainLongModifiedDates') ? 'MODIFIED' : 'REMOVED';
  setElement(elements, '00280303', 'CS', [temporal]);
  if (burnedIn) setElement(elements, '00280301', 'CS', ['NO']);
}

interface SourcePixels {
  /** The raw element, to be copied as it is (or its value changed in place when cleaned or swapped). */
  raw: Buffer;
  valueStart: number;
  encapsulated: boolean;
}

function decideBurnedIn(elements: DcmjsElementMap, transferSyntax: string, hasPixels: boolean, pixels: Buffer | undefined, settings: InstanceSettings, sopInstanceUid: string): InstanceOutcome | 'cleaned' | 'confirmed' | undefined {
  const reason = burnedInReason(elements, hasPixels);
  if (reason === undefined) return undefined;
  const decision = settings.burnedIn?.(sopInstanceUid) ?? { mode: 'exclude' };
  if (decision.mode === 'confirm-clean') return 'confirmed';
  if (decision.mode === 'clean-pixels') {
    const failure = blackOutRectangles(elements, transferSyntax, pixels, decision.rects);
    return failure === undefined ? 'cleaned' : { kind: 'excluded', reason: `${reason}; ${failure}`, burnedIn: true };
  }
  return { kind: 'excluded', reason, burnedIn: true };
}

/** True when some value is larger than the whole file: the parser lost its place. */
function hasImpossibleValue(elements: DcmjsElementMap, limit: number): boolean {
  for (const element of Object.values(elements)) {
    for (const value of element.Value ?? []) {
      if (value instanceof ArrayBuffer && value.byteLength > limit) return true;
      if (value && typeof value === 'object' && !(value instanceof ArrayBuffer) && element.vr === 'SQ' && hasImpossibleValue(value as DcmjsElementMap, limit)) return true;
    }
  }
  return false;
}

const implicitLittleEndian = '1.2.840.10008.1.2';
const explicitBigEndian = '1.2.840.10008.1.2.2';
const explicitLittleEndian = '1.2.840.10008.1.2.1';
const directoryStorage = '1.2.840.10008.1.3.10';
/** Pixels dcmjs reads and writes sample by sample (deflated files are inflated by it first). */
const nativeSyntaxes = new Set([implicitLittleEndian, explicitLittleEndian, explicitBigEndian, '1.2.840.10008.1.2.1.99']);

/**
 * Parses the file: the data set before the pixels through dcmjs, the Pixel Data element kept
 * raw. Files whose pixels cannot be found in the raw bytes (deflated, no pixel data) are read whole.
 */
function parse(input: Buffer): { elements: DcmjsElementMap; meta: DcmjsElementMap; syntax: string; pixels: SourcePixels | undefined } {
  const layout = readFileLayout(input);
  const syntax = layout?.transferSyntaxUid ?? implicitLittleEndian;
  const found = layout
    ? locatePixelData(input, layout.dataStart, { implicit: syntax === implicitLittleEndian, bigEndian: syntax === explicitBigEndian })
    : undefined;
  const head = found ? input.subarray(0, found.start) : input;
  const message = dcmjsData.DicomMessage.readFile(head.buffer.slice(head.byteOffset, head.byteOffset + head.byteLength) as ArrayBuffer);
  const elements = message.dict as DcmjsElementMap;
  const pixels = found
    ? { raw: Buffer.from(input.subarray(found.start, found.end)), valueStart: found.valueStart - found.start, encapsulated: found.encapsulated }
    : undefined;
  return { elements, meta: message.meta as DcmjsElementMap, syntax, pixels };
}

/** The Pixel Data element as it goes out: raw, or for implicit and big-endian input re-headed as explicit little endian (big endian swapped before). */
function outputPixelElement(pixels: SourcePixels, syntax: string, elements: DcmjsElementMap): Buffer {
  if (syntax !== explicitBigEndian && syntax !== implicitLittleEndian) return pixels.raw;
  const bitsAllocated = Number(firstString(elements, '00280100') ?? 16);
  const value = pixels.raw.subarray(pixels.valueStart);
  return Buffer.concat([explicitPixelHeader(bitsAllocated <= 8 ? 'OB' : 'OW', value.length), value]);
}

/** Pixel-value attributes whose VR is US or SS by Pixel Representation: implicit files do not say which. */
const pixelValueTags = ['00280106', '00280107', '00280108', '00280109', '00280120', '00280121'];

/** dcmjs reads such attributes of an implicit-VR file as US; with signed pixels they are SS. */
function fixSignedPixelValues(elements: DcmjsElementMap): void {
  if (firstString(elements, '00280103') !== '1') return;
  for (const tag of pixelValueTags) {
    const element = elements[tag];
    if (!element || element.vr !== 'US') continue;
    element.vr = 'SS';
    element.Value = (element.Value ?? []).map((value) => (typeof value === 'number' && value > 0x7fff ? value - 0x10000 : value));
  }
}

/** De-identifies one Part 10 file's bytes, or says why it is left out. */
export function deidentifyInstance(input: Buffer, settings: InstanceSettings): InstanceOutcome {
  const { elements, meta, syntax, pixels } = parse(input);
  const sopInstanceUid = firstString(elements, '00080018') ?? firstString(meta, '00020003') ?? '';
  const studyInstanceUid = firstString(elements, '0020000D') ?? '';
  const seriesInstanceUid = firstString(elements, '0020000E') ?? '';
  if (hasImpossibleValue(elements, input.byteLength)) return { kind: 'excluded', reason: 'the file could not be parsed reliably (a value runs past its end)', burnedIn: false };
  if (!sopInstanceUid) return { kind: 'excluded', reason: 'the file has no SOP Instance UID', burnedIn: false };
  if ((firstString(elements, '00080016') ?? firstString(meta, '00020002')) === directoryStorage) {
    return { kind: 'excluded', reason: 'a DICOMDIR is an index of other files (de-identify the files it lists; --dicomdir writes a new one)', burnedIn: false };
  }
  const unprotectable = unprotectableReason(elements);
  if (unprotectable) return { kind: 'excluded', reason: unprotectable, burnedIn: false };
  if (!pixels && elements['7FE00010'] && !nativeSyntaxes.has(syntax)) {
    // Compressed pixels that dcmjs would re-encode: only an exact copy is safe.
    return { kind: 'excluded', reason: `the compressed pixel data (transfer syntax ${syntax}) could not be located for an exact copy`, burnedIn: false };
  }
  // Native pixels go out as Explicit VR Little Endian; compressed ones keep their syntax (explicit little endian too).
  const outputSyntax = nativeSyntaxes.has(syntax) ? explicitLittleEndian : syntax;
  if (pixels && syntax === explicitBigEndian && !pixels.encapsulated) {
    swapToLittleEndian(pixels.raw.subarray(pixels.valueStart), Number(firstString(elements, '00280100') ?? 16));
  }
  const readPixels = elements['7FE00010']?.Value?.[0];
  if (!pixels && syntax === explicitBigEndian && readPixels instanceof ArrayBuffer) {
    // dcmjs hands over big-endian pixel bytes as they were; the output is little endian.
    swapToLittleEndian(Buffer.from(readPixels), Number(firstString(elements, '00280100') ?? 16));
  }
  const nativeValue = pixels && !pixels.encapsulated ? pixels.raw.subarray(pixels.valueStart) : undefined;
  const pixelSyntax = syntax === explicitBigEndian ? explicitLittleEndian : syntax;
  const burnedIn = decideBurnedIn(elements, pixelSyntax, pixels !== undefined || elements['7FE00010'] !== undefined, nativeValue, settings, sopInstanceUid);
  if (typeof burnedIn === 'object') return burnedIn;

  if (syntax === implicitLittleEndian) fixSignedPixelValues(elements);
  const dateShiftDays = settings.options.has('retainLongModifiedDates') ? settings.keyed.dateShiftDays(patientKey(elements)) : undefined;
  deidentifyElements(elements, { options: settings.options, keyed: settings.keyed, dateShiftDays, identityWords: identityWords(elements) });
  recordMethod(elements, settings.options, burnedIn);
  // Nothing may follow the pixels that are appended below.
  for (const tag of Object.keys(elements)) if (tag >= '7FE00010' && (pixels || tag > '7FE00010')) delete elements[tag];

  const newSop = firstString(elements, '00080018') ?? sopInstanceUid;
  const outputMeta: DcmjsElementMap = {
    '00020001': { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] },
    '00020002': { vr: 'UI', Value: [firstString(elements, '00080016') ?? firstString(meta, '00020002') ?? ''] },
    '00020003': { vr: 'UI', Value: [newSop] },
    '00020010': { vr: 'UI', Value: [outputSyntax] },
    '00020012': { vr: 'UI', Value: [implementationClassUid] },
    '00020013': { vr: 'SH', Value: [implementationVersionName] },
  };
  const written = writeExplicitLittleEndian(outputMeta, elements);
  return {
    kind: 'written',
    data: pixels ? Buffer.concat([written, outputPixelElement(pixels, syntax, elements)]) : written,
    original: { studyInstanceUid, seriesInstanceUid, sopInstanceUid },
    studyInstanceUid: firstString(elements, '0020000D') ?? '',
    seriesInstanceUid: firstString(elements, '0020000E') ?? '',
    sopInstanceUid: newSop,
    ...(burnedIn ? { burnedIn } : {}),
  };
}

/**
 * Whether a file would be held back for burned-in text (and nothing else), judged as
 * deidentifyInstance judges it; undefined when it would not be.
 */
export function heldBackForBurnedIn(input: Buffer): HeldBackImage | undefined {
  const { elements, meta, syntax, pixels } = parse(input);
  const sopInstanceUid = firstString(elements, '00080018') ?? firstString(meta, '00020003') ?? '';
  if (!sopInstanceUid || unprotectableReason(elements) !== undefined) return undefined;
  const reason = burnedInReason(elements, pixels !== undefined || elements['7FE00010'] !== undefined);
  if (reason === undefined) return undefined;
  const count = (tag: string, fallback: number) => {
    const value = Number.parseInt(firstString(elements, tag) ?? '', 10);
    return Number.isFinite(value) ? value : fallback;
  };
  const nativeValue = pixels && !pixels.encapsulated ? pixels.raw.subarray(pixels.valueStart) : undefined;
  // No rectangles: only the checks run, nothing is written.
  const cannotClean = blackOutRectangles(elements, syntax === explicitBigEndian ? explicitLittleEndian : syntax, nativeValue, []);
  const instanceNumber = count('00200013', Number.NaN);
  return {
    sopInstanceUid,
    seriesInstanceUid: firstString(elements, '0020000E') ?? '',
    modality: firstString(elements, '00080060') ?? '',
    instanceNumber: Number.isNaN(instanceNumber) ? null : instanceNumber,
    rows: count('00280010', 0),
    columns: count('00280011', 0),
    frames: Math.max(1, count('00280008', 1)),
    reason,
    cannotClean: cannotClean ?? null,
  };
}
