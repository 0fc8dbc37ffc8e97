import { TextDecoder } from 'node:util';
import type { DataSet } from 'dicom-parser';
/**
 * Decodes DICOM text values under a Specific Character Set (0008,0005), PS3.5 §6.1.
 * Single-byte sets map onto WHATWG decoders; ISO 2022 code extensions are handled by
 * splitting the bytes at escape sequences and decoding each run with its own set.
 * The one decoder of the main process: import, the tag browser and the viewer's object readers
 * all read text through it. Expected values in its tests come from pydicom (pydicom.charset).
 */

type Codec = { readonly label: string; readonly multiByteG0: boolean };

const latin1: Codec = { label: 'latin1-exact', multiByteG0: false };
const ascii: Codec = latin1;

/** Defined terms without code extensions (and the single-byte ones with them), by their term. */
const singleByteSets: Record<string, Codec> = {
  'ISO_IR 6': ascii,
  'ISO_IR 100': latin1,
  'ISO_IR 101': { label: 'iso-8859-2', multiByteG0: false },
  'ISO_IR 109': { label: 'iso-8859-3', multiByteG0: false },
  'ISO_IR 110': { label: 'iso-8859-4', multiByteG0: false },
  'ISO_IR 144': { label: 'iso-8859-5', multiByteG0: false },
  'ISO_IR 127': { label: 'iso-8859-6', multiByteG0: false },
  'ISO_IR 126': { label: 'iso-8859-7', multiByteG0: false },
  'ISO_IR 138': { label: 'iso-8859-8', multiByteG0: false },
  'ISO_IR 148': { label: 'iso-8859-9', multiByteG0: false },
  'ISO_IR 203': { label: 'iso-8859-15', multiByteG0: false },
  'ISO_IR 166': { label: 'windows-874', multiByteG0: false },
  'ISO_IR 13': { label: 'shift_jis', multiByteG0: false },
  'ISO_IR 192': { label: 'utf-8', multiByteG0: false },
  GB18030: { label: 'gb18030', multiByteG0: false },
  GBK: { label: 'gbk', multiByteG0: false },
};

const jisX0208: Codec = { label: 'jis-x-0208', multiByteG0: true };
const jisX0212: Codec = { label: 'jis-x-0212', multiByteG0: true };
const ksX1001: Codec = { label: 'euc-kr', multiByteG0: false };
const gb2312: Codec = { label: 'gb18030', multiByteG0: false };

/** The escape sequences of PS3.3 C.12.1.1.2 (bytes after ESC), and the set each selects. */
const escapeSequences: ReadonlyArray<readonly [string, Codec]> = [
  ['$(D', jisX0212],
  ['$)C', ksX1001],
  ['$)A', gb2312],
  ['$B', jisX0208],
  ['$@', jisX0208],
  ['(B', ascii],
  ['(J', ascii],
  [')I', { label: 'shift_jis', multiByteG0: false }],
  ['-A', latin1],
  ['-B', singleByteSets['ISO_IR 101']!],
  ['-C', singleByteSets['ISO_IR 109']!],
  ['-D', singleByteSets['ISO_IR 110']!],
  ['-L', singleByteSets['ISO_IR 144']!],
  ['-G', singleByteSets['ISO_IR 127']!],
  ['-F', singleByteSets['ISO_IR 126']!],
  ['-H', singleByteSets['ISO_IR 138']!],
  ['-M', singleByteSets['ISO_IR 148']!],
  ['-T', singleByteSets['ISO_IR 166']!],
  ['-b', singleByteSets['ISO_IR 203']!],
];

const decoders = new Map<string, TextDecoder>();
function whatwgDecoder(label: string): TextDecoder {
  let decoder = decoders.get(label);
  if (!decoder) {
    decoder = new TextDecoder(label);
    decoders.set(label, decoder);
  }
  return decoder;
}

function decodeRun(bytes: Uint8Array, codec: Codec): string {
  if (bytes.length === 0) return '';
  switch (codec.label) {
    case 'latin1-exact':
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    case 'jis-x-0208': {
      // The iso-2022-jp decoder knows JIS X 0208 once told so by its own escape.
      const framed = new Uint8Array(bytes.length + 6);
      framed.set([0x1b, 0x24, 0x42]);
      framed.set(bytes, 3);
      framed.set([0x1b, 0x28, 0x42], bytes.length + 3);
      return whatwgDecoder('iso-2022-jp').decode(framed);
    }
    case 'jis-x-0212': {
      // EUC-JP carries JIS X 0212 as 0x8F followed by the two bytes with their high bit set.
      const euc: number[] = [];
      for (let i = 0; i + 1 < bytes.length; i += 2) euc.push(0x8f, bytes[i]! | 0x80, bytes[i + 1]! | 0x80);
      return whatwgDecoder('euc-jp').decode(new Uint8Array(euc));
    }
    default:
      return whatwgDecoder(codec.label).decode(bytes);
  }
}

function termToCodec(term: string): Codec {
  const trimmed = term.trim();
  if (trimmed === '' || trimmed === 'ISO 2022 IR 6') return ascii;
  if (trimmed === 'ISO 2022 IR 87') return jisX0208;
  if (trimmed === 'ISO 2022 IR 159') return jisX0212;
  if (trimmed === 'ISO 2022 IR 149') return ksX1001;
  if (trimmed === 'ISO 2022 IR 58') return gb2312;
  const plain = trimmed.replace(/^ISO 2022 IR /, 'ISO_IR ');
  // Unknown terms fall back to Latin-1 rather than failing the import: names stay readable enough.
  return singleByteSets[plain] ?? latin1;
}

export interface CharacterSet {
  decode(bytes: Uint8Array, options?: { personName?: boolean }): string;
}

function isDelimiter(byte: number, personName: boolean): boolean {
  // CR, LF, TAB, FF and the value separator reset the sets; in names so do ^ and =.
  return byte === 0x0d || byte === 0x0a || byte === 0x09 || byte === 0x0c || byte === 0x5c || (personName && (byte === 0x5e || byte === 0x3d));
}

function matchEscape(bytes: Uint8Array, at: number): { codec: Codec; length: number } | undefined {
  for (const [sequence, codec] of escapeSequences) {
    let matches = at + sequence.length < bytes.length;
    for (let k = 0; matches && k < sequence.length; k += 1) matches = bytes[at + 1 + k] === sequence.charCodeAt(k);
    if (matches) return { codec, length: sequence.length + 1 };
  }
  return undefined;
}

/** Builds a decoder for the value of (0008,0005), as its backslash-separated terms. */
export function characterSetFor(specificCharacterSet: string | undefined): CharacterSet {
  const terms = (specificCharacterSet ?? '').split('\\');
  const usesExtensions = terms.some((term) => term.trim().startsWith('ISO 2022'));
  const initial = termToCodec(terms[0] ?? '');
  if (!usesExtensions) {
    return { decode: (bytes) => decodeRun(bytes, initial) };
  }
  return {
    decode(bytes, options = {}) {
      const personName = options.personName ?? false;
      let text = '';
      let codec = initial;
      let runStart = 0;
      for (let i = 0; i < bytes.length; i += 1) {
        const byte = bytes[i]!;
        if (byte === 0x1b) {
          const escape = matchEscape(bytes, i);
          text += decodeRun(bytes.subarray(runStart, i), codec);
          if (escape) {
            codec = escape.codec;
            i += escape.length - 1;
          }
          runStart = i + 1;
        } else if (!codec.multiByteG0 && isDelimiter(byte, personName)) {
          text += decodeRun(bytes.subarray(runStart, i), codec) + String.fromCharCode(byte);
          codec = initial;
          runStart = i + 1;
        }
      }
      return text + decodeRun(bytes.subarray(runStart), codec);
    },
  };
}

/** Decodes values of VRs outside the Specific Character Set (CS, UI, DA, …): the default repertoire, read as ISO 8859-1 as pydicom does. */
export const defaultCharacterSet: CharacterSet = characterSetFor(undefined);

/**
 * The value of a data set's Specific Character Set (0008,0005), or undefined when it has none (or
 * its bytes lie past the end of a damaged file). Read from the bytes rather than with
 * dataSet.string(): a leading empty term matters ("\ISO 2022 IR 87" starts in ASCII), so only
 * padding is dropped.
 */
export function specificCharacterSetOf(dataSet: DataSet): string | undefined {
  const element = dataSet.elements.x00080005;
  if (!element || element.dataOffset + element.length > dataSet.byteArray.length) return undefined;
  const bytes = dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1').replace(/\0/g, '').replace(/ +$/, '');
}
