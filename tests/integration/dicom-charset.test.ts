import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { characterSetFor } from '../../src-main/dicom/charset';
import { readDataSet } from '../../src-main/dicom/read-dataset';
import { describeDataSet } from '../../src-main/dicom/tag-values';
import type { DicomTagNode } from '../../src-shared/domain/studies';
import { pydicomUnavailable, pythonWithPydicom, runPydicom } from '../helpers/pydicom';

/**
 * The main process has one Specific Character Set decoder (src-main/dicom/charset.ts). Before it
 * was one, the tag browser had a second, simpler one that disagreed with import: C1 bytes under
 * ISO_IR 100 read as Windows-1252, no ISO 2022 escapes, no ISO_IR 203, the first non-empty term
 * taken as the initial set. Every expectation here is pydicom's decoding of the same bytes.
 */
const skipReason = pydicomUnavailable();
if (skipReason) console.warn(`dicom-charset skipped: ${skipReason}`);

interface Sample {
  readonly name: string;
  readonly characterSet: string;
  readonly vr: 'LO' | 'PN';
  readonly hex: string;
}

const latin1Hex = (text: string) => Buffer.from(text, 'latin1').toString('hex');

const samples: Sample[] = [
  // C1 control bytes: ISO 8859-1 leaves them as U+0080–U+009F; Windows-1252 would make them € and –.
  { name: 'ISO_IR 100 with C1 bytes', characterSet: 'ISO_IR 100', vr: 'LO', hex: latin1Hex('Caf\xe9 \x80\x96') },
  { name: 'no character set, bytes above 0x7F', characterSet: '', vr: 'LO', hex: latin1Hex('M\xfcller \x93x\x94') },
  { name: 'ISO_IR 192', characterSet: 'ISO_IR 192', vr: 'PN', hex: Buffer.from('Wang^XiaoDong=王^小東=', 'utf8').toString('hex') },
  { name: 'GB18030', characterSet: 'GB18030', vr: 'LO', hex: 'cdf5d0a1b6ab' },
  {
    name: 'ISO 2022 IR 87 after an empty first term (PS3.5 H.3.1)',
    characterSet: '\\ISO 2022 IR 87',
    vr: 'PN',
    hex: latin1Hex('Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B'),
  },
  {
    name: 'ISO 2022 IR 13 and IR 87 (PS3.5 H.3.2)',
    characterSet: 'ISO 2022 IR 13\\ISO 2022 IR 87',
    vr: 'PN',
    hex: latin1Hex('\xd4\xcf\xc0\xde^\xc0\xdb\xb3=\x1b$B;3ED\x1b(J^\x1b$BB@O:\x1b(J=\x1b$B$d$^$@\x1b(J^\x1b$B$?$m$&\x1b(J'),
  },
  {
    name: 'ISO 2022 IR 149 (PS3.5 I.2)',
    characterSet: '\\ISO 2022 IR 149',
    vr: 'PN',
    hex: latin1Hex('Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf'),
  },
  {
    name: 'ISO 2022 IR 100 and IR 126, switching mid-text',
    characterSet: 'ISO 2022 IR 100\\ISO 2022 IR 126',
    vr: 'LO',
    hex: latin1Hex('J\xe9r\xf4me \x1b-F\xe1\xe2\xe3\x1b-A \xe9'),
  },
];

/**
 * pydicom's own decoding (pydicom.charset.decode_bytes): a person name split at "=" into its
 * component groups, each decoded with ^ as a delimiter, as pydicom's PersonName does; other
 * text with the text delimiters.
 */
const pydicomDecode = `
import json, sys
from pydicom.charset import convert_encodings, decode_bytes
from pydicom.valuerep import PN_DELIMS, TEXT_VR_DELIMS
out = []
for sample in json.loads(sys.argv[1]):
    raw = bytes.fromhex(sample['hex'])
    encodings = convert_encodings(sample['characterSet'].split('\\\\'))
    if sample['vr'] == 'PN':
        out.append('='.join(decode_bytes(part, encodings, PN_DELIMS) for part in raw.split(b'=')))
    else:
        out.append(decode_bytes(raw, encodings, TEXT_VR_DELIMS))
print(json.dumps(out))
`;

describe.skipIf(skipReason !== undefined)('the Specific Character Set decoder', () => {
  const expected = skipReason ? [] : runPydicom<string[]>(pydicomDecode, [JSON.stringify(samples)]);
  it.each(samples.map((sample, index) => [sample.name, sample, index] as const))('decodes %s as pydicom does', (_name, sample, index) => {
    const bytes = new Uint8Array(Buffer.from(sample.hex, 'hex'));
    expect(characterSetFor(sample.characterSet).decode(bytes, { personName: sample.vr === 'PN' })).toBe(expected[index]);
  });

  it('decodes ISO 2022 IR 58 as the worked example of PS3.5 Annex K, where pydicom 2.3 keeps the escapes in the text', () => {
    const bytes = Buffer.from('Zhang^XiaoDong=\x1b$)A\xd5\xc5^\x1b$)A\xd0\xa1\xb6\xab=', 'latin1');
    expect(characterSetFor('\\ISO 2022 IR 58').decode(new Uint8Array(bytes), { personName: true })).toBe('Zhang^XiaoDong=张^小东=');
  });

  it('decodes ISO_IR 203 as ISO 8859-15 (PS3.3 Table C.12-2), which pydicom does not know', () => {
    // pydicom 2.3 and 3.0 fall back to Latin-1 for this term; the expectation is Python's ISO 8859-15 codec.
    const hex = latin1Hex('\xa4 5 \xbd');
    const expected = runPydicom<string>('import json, sys; print(json.dumps(bytes.fromhex(sys.argv[1]).decode("iso8859_15")))', [hex]);
    expect(expected).toBe('€ 5 œ');
    expect(characterSetFor('ISO_IR 203').decode(new Uint8Array(Buffer.from(hex, 'hex')))).toBe(expected);
  });
});

/** pydicom's charset_files (chr*.dcm), read in place from the installed pydicom. */
function charsetFolder(): string | undefined {
  if (skipReason) return undefined;
  const probe = spawnSync(pythonWithPydicom, ['-c', 'import pydicom.data, os; print(os.path.join(os.path.dirname(pydicom.data.__file__), "charset_files"))'], { encoding: 'utf8' });
  const folder = probe.stdout.trim();
  return probe.status === 0 && fs.existsSync(folder) ? folder : undefined;
}

const folder = charsetFolder();
if (!skipReason && !folder) console.warn("dicom-charset tag browser part skipped: pydicom's charset_files folder is not installed");

/** Every text element (LO, SH, PN) as pydicom decodes it, items included, keyed by its path of tags. */
const pydicomTexts = `
import json, sys, pydicom
from pydicom.multival import MultiValue
def walk(ds, prefix, out):
    for elem in ds:
        if elem.tag.is_private:
            continue  # the browser knows no private dictionary, so their VRs differ
        key = prefix + '%04X,%04X' % (elem.tag.group, elem.tag.element)
        if elem.VR == 'SQ':
            for index, item in enumerate(elem.value):
                walk(item, key + '[%d]/' % index, out)
        elif elem.VR in ('LO', 'SH', 'PN'):
            value = elem.value
            out[key] = '\\\\'.join(str(v) for v in value) if isinstance(value, MultiValue) else str(value)
result = {}
for path in sys.argv[1:]:
    ds = pydicom.dcmread(path)
    ds.decode()
    texts = {}
    walk(ds, '', texts)
    result[path] = texts
print(json.dumps(result))
`;

function browserTexts(nodes: DicomTagNode[], prefix: string, out: Record<string, string>): void {
  for (const node of nodes) {
    const key = prefix + node.tag.replace(/[()]/g, '');
    node.items?.forEach((item, index) => browserTexts(item, `${key}[${index}]/`, out));
    if (node.vr === 'LO' || node.vr === 'SH') out[key] = node.value;
    // pydicom drops a name's trailing empty component groups ("Wang^XiaoDong=王^小東=" → "…=王^小東"); the browser shows the bytes as written.
    if (node.vr === 'PN') out[key] = node.value.split('\\').map((name) => name.replace(/=+$/, '')).join('\\');
  }
}

describe.skipIf(folder === undefined)('the tag browser on pydicom\'s character-set samples', () => {
  it('shows every LO, SH and PN value as pydicom decodes it, in sequence items with their own character set too', () => {
    const files = fs.readdirSync(folder!).filter((name) => /^chr.*\.dcm$/.test(name)).map((name) => path.join(folder!, name));
    expect(files.length).toBeGreaterThanOrEqual(16);
    const expected = runPydicom<Record<string, Record<string, string>>>(pydicomTexts, files);
    let compared = 0;
    for (const file of files) {
      const actual: Record<string, string> = {};
      browserTexts(describeDataSet(readDataSet(file, path.basename(file))), '', actual);
      const texts = expected[file]!;
      for (const [key, value] of Object.entries(texts)) {
        expect(actual[key], `${path.basename(file)} ${key}`).toBe(value);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
